"""Khmer numbers grouped by thousands, 1.234,5, as Cambodians write them (Django's Khmer formats
group nothing); the rest is Django's."""

NUMBER_GROUPING = 3
