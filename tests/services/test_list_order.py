"""The order of the request list and the queue as the database can read it from an index (issue 26 item 3): at
200,000 requests on PostgreSQL the list newest first sorted every row for one page (420 ms; "NULLS LAST" on an id
hid its primary key's order), and the queue walked every request by priority (480 ms; now a partial index of the
requests awaiting a decision). The statements each page sends, at two sizes: tests/test_query_budgets.py."""
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.listing import Paging, ordered
from app.services.requests import request_reads
from models import AssistanceRequest
from models.assistance_request import AWAITING_DECISION


def _order_by(sort: str | None, descending: bool) -> str:
    select = ordered(sa.select(AssistanceRequest.id), request_reads.SORTS, Paging(sort=sort, descending=descending),
                     "-id", (AssistanceRequest.id.desc(),), nulls_last=True)
    return str(select.compile(dialect=postgresql.dialect())).split("ORDER BY")[1]


def test_a_column_that_cannot_be_empty_is_ordered_as_its_index_is():
    assert "NULLS LAST" not in _order_by(None, False)  # the default: newest first, by id
    assert "NULLS LAST" not in _order_by("priority", False)


def test_a_column_that_can_be_empty_still_puts_the_empty_last():
    assert "received_date DESC NULLS LAST" in _order_by("received_date", True)
    assert "due_date ASC NULLS LAST" in _order_by("due_date", False)


def test_the_queue_index_holds_exactly_the_requests_awaiting_a_decision():
    [index] = [i for i in AssistanceRequest.__table__.indexes if i.name == "ix_assistance_requests_awaiting_order"]
    assert [c.name for c in index.columns] == ["priority_rank", "received_date", "id"]
    condition = str(index.dialect_options["postgresql"]["where"])
    assert condition == str(index.dialect_options["sqlite"]["where"])
    assert sorted(s.strip(" '") for s in condition.split("(")[1].rstrip(")").split(",")) == \
        sorted(s.value for s in AWAITING_DECISION)
