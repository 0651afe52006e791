"""SPID / CIE attribute names (SAML attrname-format basic): the same name on the wire and in the app."""

NAME_FORMAT_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"

_NAMES = (
    "spidCode",
    "fiscalNumber",
    "name",
    "familyName",
    "email",
    "mobilePhone",
    "dateOfBirth",
    "placeOfBirth",
    "countyOfBirth",
    "gender",
    "ivaCode",
    "companyName",
    "registeredOffice",
    "digitalAddress",
    "address",
    "expirationDate",
    "idCard",
)

MAP = {
    "identifier": NAME_FORMAT_BASIC,
    "fro": {name: name for name in _NAMES},
    "to": {name: name for name in _NAMES},
}
