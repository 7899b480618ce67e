"""The glyphs of the style's text labels: built by webmap/glyphs.py, served at /fonts/{fontstack}/{range}.pbf.

The ranges are read with Google's protobuf library, from a schema written here (MapLibre's ``glyphs.proto``),
and the distance fields are checked against FreeType's own drawing of the same glyphs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urlsplit

import freetype
import numpy as np
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor_pb2 import FieldDescriptorProto as F

from app import create_app
from webmap.glyphs import ASCENT, BUILT_RANGES, FONTS, write_glyphs

BOOK, BOLD = "DejaVu Sans Book", "DejaVu Sans Bold"
BORDER = 3  # px around every bitmap, as MapLibre expects them
EDGE = 192  # byte value of the outline


def _glyphs_message() -> type:
    """The message class of MapLibre's glyphs.proto (proto2: required fields are checked)."""
    proto = descriptor_pb2.FileDescriptorProto(name="glyphs.proto", package="maplibre", syntax="proto2")
    required, optional, repeated = F.LABEL_REQUIRED, F.LABEL_OPTIONAL, F.LABEL_REPEATED

    def message(name: str, *fields: tuple[str, int, int, str]) -> None:
        spec = proto.message_type.add(name=name)
        for number, (field, label, kind, type_name) in enumerate(fields, 1):
            spec.field.add(name=field, number=number, label=label, type=kind,
                           **({"type_name": type_name} if type_name else {}))

    message("glyph", ("id", required, F.TYPE_UINT32, ""), ("bitmap", optional, F.TYPE_BYTES, ""),
            ("width", required, F.TYPE_UINT32, ""), ("height", required, F.TYPE_UINT32, ""),
            ("left", required, F.TYPE_SINT32, ""), ("top", required, F.TYPE_SINT32, ""),
            ("advance", required, F.TYPE_UINT32, ""))
    message("fontstack", ("name", required, F.TYPE_STRING, ""), ("range", required, F.TYPE_STRING, ""),
            ("glyphs", repeated, F.TYPE_MESSAGE, ".maplibre.glyph"))
    message("glyphs", ("stacks", repeated, F.TYPE_MESSAGE, ".maplibre.fontstack"))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("maplibre.glyphs"))


GLYPHS = _glyphs_message()


def read_stack(data: bytes, name: str, glyph_range: str) -> dict[int, object]:
    """The glyphs, by code point, of a message that must hold exactly one font stack, ``name`` and its range."""
    message = GLYPHS()
    message.ParseFromString(data)
    assert message.IsInitialized(), message.FindInitializationErrors()
    [stack] = message.stacks
    assert (stack.name, stack.range) == (name, glyph_range)
    return {glyph.id: glyph for glyph in stack.glyphs}


def glyph_url(template: str, fontstack: str, glyph_range: str) -> str:
    """The path of a style's glyphs URL for one font stack and range, with the stack escaped as clients do."""
    url = template.replace("{fontstack}", quote(fontstack)).replace("{range}", glyph_range)
    return urlsplit(url).path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The range 0-255 of both fonts, built by webmap.glyphs into a folder of this test module."""
    directory = tmp_path_factory.mktemp("glyphs")
    files = write_glyphs(directory, starts=(0,))
    assert sorted(f.relative_to(directory).as_posix() for f in files) == [f"{BOLD}/0-255.pbf", f"{BOOK}/0-255.pbf"]
    return directory


@pytest.fixture
def glyph_app(loaded_db, built):
    """The app reading the glyphs built for this module."""
    return create_app({"TESTING": True, "SETTINGS": replace(loaded_db, glyphs_dir=built)})


@pytest.fixture
def style(glyph_app) -> dict:
    """The economic map style, as the Android emulator sees it."""
    response = glyph_app.test_client().get("/styles/economy.json", base_url="http://10.0.2.2:5000")
    assert response.status_code == 200
    return response.get_json()


def freetype_ink(font: Path, char: str) -> tuple[np.ndarray, int, int]:
    """FreeType's own anti-aliased drawing of ``char`` at 24 px, unhinted, with its left and top in pixels."""
    face = freetype.Face(str(font))
    face.set_char_size(24 * 64)
    face.load_char(char, freetype.FT_LOAD_NO_HINTING | freetype.FT_LOAD_RENDER)
    bitmap = face.glyph.bitmap
    pixels = np.array(bitmap.buffer, dtype=np.uint8).reshape(bitmap.rows, bitmap.pitch)[:, :bitmap.width]
    return pixels >= 128, face.glyph.bitmap_left, face.glyph.bitmap_top


def test_style_glyphs_draw_latin_letters_in_both_fonts(glyph_app, style):
    template = style["glyphs"]
    assert template == "http://10.0.2.2:5000/fonts/{fontstack}/{range}.pbf"
    client = glyph_app.test_client()
    served = {}
    for fontstack in (BOOK, BOLD):
        response = client.get(glyph_url(template, fontstack, "0-255"))
        assert response.status_code == 200, response.data
        assert response.mimetype == "application/x-protobuf"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert int(response.headers["Cache-Control"].split("max-age=")[1]) >= 86400
        assert client.get(glyph_url(template, fontstack, "0-255"),
                          headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
        glyphs = read_stack(response.data, fontstack, "0-255")
        assert set(map(chr, glyphs)) >= set("AaéJg@ 0") and max(glyphs) < 256
        for char in "AaéJg@":
            glyph = glyphs[ord(char)]
            assert len(glyph.bitmap) == (glyph.width + 2 * BORDER) * (glyph.height + 2 * BORDER), char
            assert min(glyph.bitmap) < EDGE < max(glyph.bitmap), char
        for char in "Aaé":  # at 24 px: letters about half an em wide, caps 17 px high
            glyph = glyphs[ord(char)]
            assert 10 <= glyph.width <= 20 and 12 <= glyph.height <= 22, (char, glyph)
            assert 12 <= glyph.advance <= 20 and 0 <= glyph.left <= 2 and glyph.width <= glyph.advance, (char, glyph)
        assert glyphs[ord("J")].left < 0  # its hook reaches left of the pen
        space = glyphs[ord(" ")]
        assert (space.width, space.height, space.bitmap) == (0, 0, b"") and space.advance > 4
        a, e, e_acute, g = (glyphs[ord(char)] for char in "aeég")
        assert e_acute.height > e.height and e_acute.advance == e.advance
        assert glyphs[ord("A")].top > a.top and g.top - g.height < a.top - a.height  # caps rise, g descends
        served[fontstack] = glyphs
    assert served[BOLD][ord("a")].advance > served[BOOK][ord("a")].advance


@pytest.mark.parametrize("fontstack", [BOOK, BOLD])
def test_distance_fields_trace_freetype_drawing(glyph_app, fontstack):
    """Where a field passes 192 is where FreeType inks the glyph (the same pixels: left, top and size agree)."""
    response = glyph_app.test_client().get(f"/fonts/{quote(fontstack)}/0-255.pbf")
    glyphs = read_stack(response.data, fontstack, "0-255")
    for char in "AaéJg@Rß&%":
        glyph = glyphs[ord(char)]
        field = np.frombuffer(glyph.bitmap, dtype=np.uint8).reshape(glyph.height + 6, glyph.width + 6)
        ink, ink_left, ink_top = freetype_ink(FONTS[fontstack], char)
        canvas_left, canvas_top = glyph.left - BORDER, glyph.top + ASCENT + BORDER  # pixels, y up from baseline
        theirs = np.zeros_like(field, dtype=bool)
        row, col = canvas_top - ink_top, ink_left - canvas_left
        assert row >= 0 and col >= 0 and row + ink.shape[0] <= field.shape[0] and col + ink.shape[1] <= field.shape[1]
        theirs[row:row + ink.shape[0], col:col + ink.shape[1]] = ink
        ours = field >= EDGE
        overlap = (ours & theirs).sum() / (ours | theirs).sum()
        assert overlap > 0.9, (char, overlap)
        border = ~np.pad(np.ones((glyph.height, glyph.width), dtype=bool), BORDER)
        assert field[border].max() < EDGE, char  # the ink stays inside width x height


@pytest.mark.parametrize("fontstack, served", [
    (f"{BOLD},{BOOK}", BOLD), (f"{BOOK},{BOLD}", BOOK), (f"Noto Sans Regular,{BOLD}", BOLD),
    (f"Noto Sans Regular, {BOOK}", BOOK),
])
def test_combined_stack_serves_its_first_known_font(glyph_app, fontstack, served):
    client = glyph_app.test_client()
    alone = client.get(f"/fonts/{quote(served)}/0-255.pbf").data
    for escaped in (quote(fontstack), quote(fontstack, safe=",")):  # MapLibre Native escapes the comma, GL JS not
        response = client.get(f"/fonts/{escaped}/0-255.pbf")
        assert response.status_code == 200
        assert response.data == alone
        assert ord("A") in read_stack(response.data, served, "0-255")


@pytest.mark.parametrize("fontstack, glyph_range", [(BOOK, "19968-20223"), (f"{BOLD},{BOOK}", "256-511"),
                                                    (BOLD, "65280-65535")])
def test_range_not_built_is_an_empty_message(glyph_app, fontstack, glyph_range):
    response = glyph_app.test_client().get(f"/fonts/{quote(fontstack)}/{glyph_range}.pbf")
    assert response.status_code == 200
    assert response.mimetype == "application/x-protobuf"
    assert read_stack(response.data, fontstack.split(",")[0], glyph_range) == {}


@pytest.mark.parametrize("path, words", [
    ("/fonts/Open%20Sans%20Regular/0-255.pbf", "no font stack"),
    ("/fonts/Arial,Helvetica/0-255.pbf", "no font stack"),
    ("/fonts/..%2F..%2Fapp.py/0-255.pbf", ""),
    ("/fonts/DejaVu%20Sans%20Book/0-256.pbf", "glyph range"),
    ("/fonts/DejaVu%20Sans%20Book/1-256.pbf", "glyph range"),
    ("/fonts/DejaVu%20Sans%20Book/256-0.pbf", "glyph range"),
    ("/fonts/DejaVu%20Sans%20Book/65536-65791.pbf", "glyph range"),
    ("/fonts/DejaVu%20Sans%20Book/0255.pbf", "glyph range"),
    ("/fonts/DejaVu%20Sans%20Book/-256--1.pbf", "glyph range"),
    ("/fonts/DejaVu%20Sans%20Book/0-255.json", ""),
    ("/fonts/DejaVu%20Sans%20Book.pbf", ""),
])
def test_unknown_font_or_range_is_404_problem(glyph_app, path, words):
    response = glyph_app.test_client().get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 404 and words in body["detail"]


def test_setup_built_every_range(client):
    """The app's own folder (``scripts/setup.sh`` fills it) has every range of both fonts."""
    for fontstack in FONTS:
        for start in BUILT_RANGES:
            glyph_range = f"{start}-{start + 255}"
            response = client.get(f"/fonts/{quote(fontstack)}/{glyph_range}.pbf")
            glyphs = read_stack(response.data, fontstack, glyph_range)
            assert len(glyphs) > 100, f"{fontstack} {glyph_range} is not built: run make setup"
