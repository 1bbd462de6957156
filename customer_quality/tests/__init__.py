
from . import test_ticket_tour
from . import test_ticket_access
from . import test_ticket_intake
from . import test_ticket_mail_gateway
from . import test_ticket_workflow
from . import test_ticket_report
from . import test_ticket_deadlines
from . import test_ticket_escalation
from . import test_ticket_crons
from . import test_ticket_performance
from . import test_ticket_i18n
