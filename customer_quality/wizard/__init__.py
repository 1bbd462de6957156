from . import cq_ticket_step_wizard
from . import cq_ticket_reject_wizard
from . import cq_ticket_answer_wizard
from . import cq_ticket_pending_wizard
from . import cq_ticket_severity_wizard
from . import cq_ticket_follow_up_wizard
from . import stock_return_picking
