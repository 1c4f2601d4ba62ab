# Local stub: the parts of django-otp 1.x the portal uses (django-otp ships no types).
from django.http import HttpRequest
from django_otp.models import Device

DEVICE_ID_SESSION_KEY: str

def login(request: HttpRequest, device: Device) -> None: ...
