"""Factories of the territory context, for this app's tests and for the other apps' tests.

Codes are chosen so that they never clash with the real ISTAT rows that load_territory creates: province
abbreviations start with Q (no Italian plate does), province codes with 9, comuni codes with 99.
"""

import factory
from factory.django import DjangoModelFactory

from grants.territory.models import (
    CohesionDistrict,
    Municipality,
    Province,
    Region,
    SocialServiceBody,
    SocialServiceBodyForm,
)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("istat_code",)

    istat_code = "01"
    name = "Piemonte"


class ProvinceFactory(DjangoModelFactory):
    """A test province: abbreviation QA..QZ and ISTAT code 900..925 go together (get-or-create on both)."""

    class Meta:
        model = Province
        django_get_or_create = ("abbreviation", "istat_code")

    region = factory.SubFactory(RegionFactory)
    abbreviation = factory.Sequence(lambda n: f"Q{chr(ord('A') + n % 26)}")
    istat_code = factory.Sequence(lambda n: f"9{n % 26:02d}")
    name = factory.Sequence(lambda n: f"Provincia di prova {chr(ord('A') + n % 26)}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("istat_code",)

    province = factory.SubFactory(ProvinceFactory)
    istat_code = factory.Sequence(lambda n: f"99{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"Comune di prova {n}")
    cadastral_code = factory.Sequence(lambda n: f"Q{n % 1000:03d}")


class SocialServiceBodyFactory(DjangoModelFactory):
    """An ente gestore seated in a comune of its province and serving that comune.

    Pass ``municipalities=[...]`` to set the served comuni explicitly, ``seat=None`` for a body with no seat.
    """

    class Meta:
        model = SocialServiceBody
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Consorzio socio-assistenziale di prova {n}")
    short_name = factory.Sequence(lambda n: f"CSP{n}")
    legal_form = SocialServiceBodyForm.CONSORTIUM
    province = factory.SubFactory(ProvinceFactory)
    seat = factory.SubFactory(MunicipalityFactory, province=factory.SelfAttribute("..province"))

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is not None:
            self.municipalities.set(extracted)
        elif self.seat is not None:
            self.municipalities.add(self.seat)


class CohesionDistrictFactory(DjangoModelFactory):
    """A district in one new province and with no bodies, unless ``provinces=[...]`` / ``bodies=[...]``."""

    class Meta:
        model = CohesionDistrict
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"DCS-TEST-{n}")
    name = factory.Sequence(lambda n: f"Distretto di prova {n}")

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        if not create:
            return
        self.provinces.set(extracted if extracted is not None else [ProvinceFactory()])

    @factory.post_generation
    def bodies(self, create, extracted, **kwargs):
        if create and extracted:
            self.bodies.set(extracted)
