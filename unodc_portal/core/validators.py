"""Validators shared by the domain apps."""

from functools import cache

import pycountry
from django.core.exceptions import ValidationError


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 alphabetic codes, from pycountry's copy of the standard."""
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def validate_currency(value: str) -> None:
    if value and value not in currency_codes():
        raise ValidationError(
            "%(value)s is not an ISO 4217 currency code (for example EUR, USD, KGS).",
            code="invalid_currency",
            params={"value": value},
        )
