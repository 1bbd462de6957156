/**
 * Steps the back-office tours share: the record's state, its buttons, and
 * the next step of the workflow shown as the form's one primary button.
 */

// the current state, also when the status bar folds it away for the buttons
export function stateIs(state) {
    const current = `.o_form_view .o_field_widget[name=state] button[aria-checked=true][data-value=${state}]`;
    return `${current}:visible, ${current}:not(:visible)`;
}

export function clickButton(name, content) {
    return {
        content,
        trigger: `.o_form_view .o_statusbar_buttons button[name=${name}]:enabled`,
        run: "click",
    };
}

// the next step of the workflow for this user: the form's one primary button
export function clickNextStep(name, content) {
    return [
        {
            content: `${content}: the next step is the one primary button`,
            trigger: `.o_form_view .o_statusbar_buttons:not(:has(.btn-primary:not([name=${name}])))`,
        },
        {
            content,
            trigger: `.o_form_view .o_statusbar_buttons button.btn-primary[name=${name}]:enabled`,
            run: "click",
        },
    ];
}
