"""Every label of the add-on's own fields is in sentence case, the way the
add-on writes its labels ("Delivery date", "Sale order"), not in the Title
Case Odoo makes from a field's name when no string is given."""

from odoo.tests import TransactionCase, tagged

MODULE = "customer_quality"
# Proper nouns that keep their capital in the middle of a label.
PROPER_NOUNS = {"Odoo"}


def title_case_words(label):
    """The words after the first that start with a capital and are neither
    all capitals (an acronym such as PPM, CAPA, 8D) nor a proper noun."""
    words = []
    for word in (label or "").split()[1:]:
        word = word.strip("()[]/,.:;-\"'")
        if not word or word.isupper() or word in PROPER_NOUNS:
            continue
        if word[0].isupper():
            words.append(word)
    return words


@tagged("post_install", "-at_install")
class TestLabels(TransactionCase):
    def test_title_case_words(self):
        self.assertEqual(title_case_words("Delivery Date"), ["Date"])
        self.assertEqual(title_case_words("Delivery date"), [])
        self.assertEqual(title_case_words("Open CAPA (8D)"), [])
        self.assertEqual(title_case_words("Sent to Odoo"), [])

    def test_field_labels_in_sentence_case(self):
        offenders = []
        for model_name, model in self.env.registry.items():
            for name, field in model._fields.items():
                # The magic fields (display_name, write_date...) are Odoo's.
                if field._module != MODULE or field.automatic:
                    continue
                if title_case_words(field.string):
                    offenders.append(f"{model_name}.{name}: {field.string!r}")
        self.assertEqual(
            offenders, [], "Labels in Title Case:\n" + "\n".join(sorted(offenders))
        )
