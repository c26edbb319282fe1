"""Register-map building blocks shared by the models' register maps (``taisp/regmap.py``,
``posisp/regmap.py``): bit fields, their checks, packing, and the generated-header writers.
Addresses are byte addresses of 32-bit registers."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """A bit field of a register: bits ``lsb`` .. ``lsb + width - 1``."""

    name: str
    lsb: int
    width: int
    desc: str

    @property
    def mask(self) -> int:
        """The field's bits in place."""
        return ((1 << self.width) - 1) << self.lsb


#: The registers every streaming block has after its ID (0x000), at the same addresses.
BLOCK_REGISTERS: dict[str, tuple[int, str, str]] = {
    "VERSION": (0x004, "RO", "register map version"),
    "MAX_WIDTH": (0x008, "RO", "largest frame width the line buffers hold"),
    "CTRL": (0x010, "WO", "control, self-clearing bits"),
    "STATUS": (0x014, "RO", "status"),
    "ERROR": (0x018, "RW1C", "sticky stream errors; write 1 to clear"),
    "FRAMES": (0x01C, "RO", "frames received complete"),
    "BAD_FRAMES": (0x020, "RO", "frames aborted on a stream error"),
    "WIDTH": (0x024, "RW", "frame width in pixels (applied on COMMIT)"),
    "HEIGHT": (0x028, "RW", "frame height in lines (applied on COMMIT)"),
    "ACTIVE_SIZE": (0x02C, "RO", "frame size in use"),
}
#: The camera front end's registers (shared Bayer front end, fixedpoint/frontend.py), at the same
#: addresses in every model's block that has one; name -> (byte address, access, description).
FRONTEND_REGISTERS: dict[str, tuple[int, str, str]] = {
    "FE_CONFIG": (0x080, "RW", "camera front end: Bayer pattern and demosaic (applied on COMMIT)"),
    "FE_BLACK0": (0x084, "RW", "camera front end: black level in DN of 2x2 position 0 (row 0, col 0)"),
    "FE_BLACK1": (0x088, "RW", "camera front end: black level of position 1 (row 0, col 1)"),
    "FE_BLACK2": (0x08C, "RW", "camera front end: black level of position 2 (row 1, col 0)"),
    "FE_BLACK3": (0x090, "RW", "camera front end: black level of position 3 (row 1, col 1)"),
    "FE_GAIN0_LO": (0x094, "RW", "camera front end: frontend.gain raw of position 0, bits 31:0"),
    "FE_GAIN0_HI": (0x098, "RW", "camera front end: frontend.gain raw of position 0, bits 63:32"),
    "FE_GAIN1_LO": (0x09C, "RW", "camera front end: frontend.gain raw of position 1, bits 31:0"),
    "FE_GAIN1_HI": (0x0A0, "RW", "camera front end: frontend.gain raw of position 1, bits 63:32"),
    "FE_GAIN2_LO": (0x0A4, "RW", "camera front end: frontend.gain raw of position 2, bits 31:0"),
    "FE_GAIN2_HI": (0x0A8, "RW", "camera front end: frontend.gain raw of position 2, bits 63:32"),
    "FE_GAIN3_LO": (0x0AC, "RW", "camera front end: frontend.gain raw of position 3, bits 31:0"),
    "FE_GAIN3_HI": (0x0B0, "RW", "camera front end: frontend.gain raw of position 3, bits 63:32"),
    "FE_ACTIVE": (0x0B4, "RO", "camera front end: Bayer pattern and demosaic in use (FE_CONFIG layout)"),
}
#: Bit fields of the front end's registers.
FRONTEND_FIELDS: dict[str, tuple[Field, ...]] = {
    "FE_CONFIG": (
        Field("CFA", 0, 2, "Bayer pattern: the index in golden.cfa.BAYER_PATTERNS (RGGB 0, BGGR 1, GRBG 2, GBRG 3)"),
        Field("DEMOSAIC", 4, 1, "demosaic: 0 bilinear (full size), 1 bin2 (half size)"),
    ),
    "FE_ACTIVE": (
        Field("CFA", 0, 2, "Bayer pattern in use"),
        Field("DEMOSAIC", 4, 1, "demosaic in use (0 bilinear, 1 bin2)"),
    ),
}
#: ERROR bits of the stream checks every block makes (bits 0-3).
STREAM_ERROR_FIELDS: tuple[Field, ...] = (
    Field("SHORT_LINE", 0, 1, "a line ended (tlast) before WIDTH pixels"),
    Field("LONG_LINE", 1, 1, "a line went past WIDTH pixels without tlast"),
    Field("MISSING_SOF", 2, 1, "a frame started without SOF (tuser[0]); dropped"),
    Field("EARLY_SOF", 3, 1, "SOF inside a frame (frame cut short)"),
)
#: ERROR bits of a camera block's Bayer input and front-end size check (bits 4-8).
CAMERA_ERROR_FIELDS: tuple[Field, ...] = (
    Field("BAYER_SHORT_LINE", 4, 1, "camera: a Bayer line ended (tlast) before WIDTH samples"),
    Field("BAYER_LONG_LINE", 5, 1, "camera: a Bayer line went past WIDTH samples without tlast"),
    Field("BAYER_MISSING_SOF", 6, 1, "camera: Bayer samples without a frame start (tuser[0]); dropped"),
    Field("BAYER_EARLY_SOF", 7, 1, "camera: SOF inside a Bayer frame (frame cut short)"),
    Field("FE_SIZE", 8, 1, "camera: COMMIT refused, the frame size does not suit the demosaic (bin2: odd width "
                           "or height, or under 4x2; bilinear: under 2x2; above MAX_WIDTH/MAX_H); the previous "
                           "size, pattern and demosaic stay in use"),
)
#: ACTIVE_SIZE's fields.
ACTIVE_SIZE_FIELDS: tuple[Field, ...] = (
    Field("WIDTH", 0, 16, "frame width in use"),
    Field("HEIGHT", 16, 16, "frame height in use"),
)
#: FE_CONFIG.DEMOSAIC codes
DEMOSAIC_CODES: dict[str, int] = {"bilinear": 0, "bin2": 1}


def cfa_cells() -> int:
    """Every Bayer pattern's cell colours packed in one word: 2 bits per position (golden.cfa);
    the front end's ``CFA_CELLS`` parameter."""
    from golden.cfa import BAYER_PATTERNS, cell_colours

    v = 0
    for k, pat in enumerate(BAYER_PATTERNS):
        for p, col in enumerate(cell_colours(pat).reshape(-1)):
            v |= int(col) << (2 * (4 * k + p))
    return v


def frontend_writes(registers: dict[str, tuple[int, str, str]], fields: dict[str, tuple[Field, ...]], cfa: str,
                    demosaic: str, black, gains) -> list[tuple[int, int]]:
    """(address, data) pairs that program a camera front end (:data:`FRONTEND_REGISTERS` of a
    model's map ``registers``/``fields``): FE_CONFIG, FE_BLACK0..3 (DN, rounded) and FE_GAIN0..3
    (raw frontend.gain, low and high words); applied on COMMIT. ValueError naming the field for
    a pattern or demosaic the front end does not know, a black level or gain that does not fit."""
    from golden.cfa import BAYER_PATTERNS, check_pattern

    if demosaic not in DEMOSAIC_CODES:
        raise ValueError(f"FE_CONFIG.DEMOSAIC: {demosaic!r} is not one of {', '.join(DEMOSAIC_CODES)}")
    w = [(registers["FE_CONFIG"][0], pack(fields, "FE_CONFIG", CFA=BAYER_PATTERNS.index(check_pattern(cfa)),
                                          DEMOSAIC=DEMOSAIC_CODES[demosaic]))]
    for p in range(4):
        b = int(round(black[p]))
        if not 0 <= b < (1 << 32):
            raise ValueError(f"FE_BLACK{p}: black level {black[p]} does not fit a 32-bit register")
        w.append((registers[f"FE_BLACK{p}"][0], b))
    for p in range(4):
        g = int(gains[p])
        if not 0 <= g < (1 << 64):
            raise ValueError(f"FE_GAIN{p}: gain {gains[p]} does not fit 64 bits")
        w.append((registers[f"FE_GAIN{p}_LO"][0], g & 0xFFFFFFFF))
        w.append((registers[f"FE_GAIN{p}_HI"][0], (g >> 32) & 0xFFFFFFFF))
    return w


def frontend_constants() -> list[tuple[str, int, str]]:
    """The front end's codes for a generated header: ``DEMOSAIC_*``, ``CFA_<pattern>``, ``CFA_CELLS``."""
    from golden.cfa import BAYER_PATTERNS

    c = [(f"DEMOSAIC_{n.upper()}", code, f"FE_CONFIG.DEMOSAIC code of {n}") for n, code in DEMOSAIC_CODES.items()]
    c += [(f"CFA_{pat}", code, f"FE_CONFIG.CFA code of {pat}") for code, pat in enumerate(BAYER_PATTERNS)]
    c.append(("CFA_CELLS", cfa_cells(), "colour (R 0, G 1, B 2) of 2x2 position p of CFA code k at bits 2*(4k + p)"))
    return c


def check_fields(registers: dict, fields: dict[str, tuple[Field, ...]]) -> None:
    """Every field belongs to a register, fits in 32 bits and overlaps no other (ValueError)."""
    for reg, fs in fields.items():
        if reg not in registers:
            raise ValueError(f"FIELDS: {reg} is not a register")
        used = 0
        for f in fs:
            if f.width < 1 or f.lsb < 0 or f.lsb + f.width > 32:
                raise ValueError(f"FIELDS: {reg}.{f.name} does not fit in 32 bits")
            if used & f.mask:
                raise ValueError(f"FIELDS: {reg}.{f.name} overlaps another field")
            used |= f.mask


def check_addresses(registers: dict[str, tuple[int, str, str]], windows: dict[str, tuple[int, int]]) -> None:
    """Registers are word aligned, distinct, and outside the ``windows`` (name -> (base, bytes))."""
    seen: dict[int, str] = {}
    for name, (addr, _, _) in registers.items():
        if addr % 4:
            raise ValueError(f"register {name} at {addr:#x} is not word aligned")
        if addr in seen:
            raise ValueError(f"registers {seen[addr]} and {name} share address {addr:#x}")
        seen[addr] = name
        for w, (base, size) in windows.items():
            if base <= addr < base + size:
                raise ValueError(f"register {name} at {addr:#x} lies inside window {w}")
    spans = sorted((b, b + s, w) for w, (b, s) in windows.items())
    for (b0, e0, w0), (b1, _, w1) in zip(spans, spans[1:]):
        if b1 < e0:
            raise ValueError(f"windows {w0} and {w1} overlap")


def find_field(fields: dict[str, tuple[Field, ...]], reg: str, name: str) -> Field:
    for f in fields.get(reg, ()):
        if f.name == name:
            return f
    raise KeyError(f"register {reg} has no field {name!r} (fields: {[f.name for f in fields.get(reg, ())]})")


def pack(fields: dict[str, tuple[Field, ...]], reg: str, **values: int) -> int:
    """The register value from field values."""
    v = 0
    for n, x in values.items():
        f = find_field(fields, reg, n)
        if not 0 <= int(x) < (1 << f.width):
            raise ValueError(f"{reg}.{n} = {x} does not fit in {f.width} bits")
        v |= int(x) << f.lsb
    return v


def unpack(fields: dict[str, tuple[Field, ...]], reg: str, value: int) -> dict[str, int]:
    """Field values of a register value read back."""
    return {f.name: (int(value) >> f.lsb) & ((1 << f.width) - 1) for f in fields[reg]}


def describe(registers: dict[str, tuple[int, str, str]], fields: dict[str, tuple[Field, ...]], reg: str) -> str:
    """A register's description, with its fields (for the generated headers and the docs)."""
    desc = registers[reg][2]
    fs = fields.get(reg, ())
    if fs:
        desc += "; " + "; ".join(
            (f"bit{f.lsb} {f.name}" if f.width == 1 else f"bits {f.lsb + f.width - 1}:{f.lsb} {f.name}") + f": {f.desc}"
            for f in fs)
    return desc


def field_constants(fields: dict[str, tuple[Field, ...]]) -> list[tuple[str, int, str]]:
    """``<REG>_<FIELD>`` (lowest bit), ``..._W`` and ``..._MASK`` of every field."""
    c = []
    for reg, fs in fields.items():
        for f in fs:
            c.append((f"{reg}_{f.name}", f.lsb, f"{reg}.{f.name} lowest bit: {f.desc}"))
            c.append((f"{reg}_{f.name}_W", f.width, f"{reg}.{f.name} width"))
            c.append((f"{reg}_{f.name}_MASK", f.mask, f"{reg}.{f.name} in place"))
    return c


def verilog_defines(prefix: str, guard: str, source: str, constants: list[tuple[str, int, str]],
                    hex_digits, words: tuple[str, ...] = ()) -> str:
    """A Verilog header of ``` `define <prefix>_<NAME> value  // comment``` lines.
    ``hex_digits(name)``: digits of a hex value (0: decimal); ``words``/``*_MASK``: 32-bit words."""
    out = [f"// Generated by {source}: do not edit.", f"`ifndef {guard}", f"`define {guard}", ""]
    for name, v, comment in constants:
        d = hex_digits(name)
        value = (f"32'h{v:08x}" if name in words or name.endswith("_MASK") else f"'h{v:0{d}x}") if d else str(v)
        out.append(f"`define {prefix}_{name} {value}  // {comment}")
    out += ["", "`endif", ""]
    return "\n".join(out)


def cpp_constants(namespace: str, guard: str, source: str, constants: list[tuple[str, int, str]],
                  hex_digits, words: tuple[str, ...] = (), rename: dict[str, str] | None = None) -> str:
    """The same constants as C++ ``constexpr`` in ``namespace``."""
    out = [f"// Generated by {source}: do not edit.", f"#ifndef {guard}", f"#define {guard}", "",
           f"namespace {namespace} {{", ""]
    rename = rename or {}
    for name, v, comment in constants:
        d = hex_digits(name)
        uns = name in words or name.endswith("_MASK")
        value = f"0x{v:0{d}x}u" if uns else (f"0x{v:0{d}x}" if d else str(v))
        out.append(f"constexpr {'unsigned' if uns else 'int'} {rename.get(name, name)} = {value};  // {comment}")
    out += ["", f"}}  // namespace {namespace}", "", "#endif", ""]
    return "\n".join(out)


__all__ = ["ACTIVE_SIZE_FIELDS", "BLOCK_REGISTERS", "CAMERA_ERROR_FIELDS", "DEMOSAIC_CODES", "STREAM_ERROR_FIELDS", "FRONTEND_FIELDS", "FRONTEND_REGISTERS", "Field", "cfa_cells", "check_addresses", "check_fields", "cpp_constants", "describe", "field_constants", "find_field", "frontend_constants", "frontend_writes",
           "pack", "unpack", "verilog_defines"]
