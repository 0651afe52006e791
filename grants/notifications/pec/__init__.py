"""Formal notices by PEC (posta elettronica certificata): the channel (an SMTP-over-TLS connection to the
provider, settings ``PEC_*``, separate from ordinary mail), the notices and their receipts (``daticert.xml``,
uploaded as .eml by the officer or fetched over IMAP), and the deadline that counts from delivery."""
