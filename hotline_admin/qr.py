"""QR codes drawn as inline SVG: no image files, nothing cached anywhere."""

import qrcode
import qrcode.image.svg


def svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")
