"""The audit trail: who did what and when, to every case and to the service itself, hash-chained so that
an edit or a removal is caught. Every domain writes to it; it imports none of them."""
