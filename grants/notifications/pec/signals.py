"""What the PEC channel tells the contexts above it (they connect receivers; it imports none of them)."""

from django.dispatch import Signal

# Sent once, when the first delivery receipt of a notice is recorded: ``notice`` (a PecNotice, with
# ``delivered_at`` and, when it has a term, ``deadline`` set).
notice_delivered = Signal()
