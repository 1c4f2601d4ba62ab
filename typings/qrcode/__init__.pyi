# Local stub: the parts of qrcode 8 the portal uses (qrcode ships no py.typed marker).
from typing import Any, TypeVar

from qrcode.image.base import BaseImage

_Image = TypeVar("_Image", bound=BaseImage)

def make(data: str | bytes, *, image_factory: type[_Image], **kwargs: Any) -> _Image: ...
