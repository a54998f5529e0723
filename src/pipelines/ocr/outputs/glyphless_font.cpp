// A TrueType font with no outlines, built here at first use: the invisible
// text layer of the searchable PDF is set in it (as Tesseract and OCRmyPDF do
// with their "GlyphLessFont"), so any script, CJK included, costs a few
// hundred bytes and no font files. Glyph 0 is .notdef, glyph 1 is empty with
// an advance of 500/1000 em; the PDF maps every character code to glyph 1
// (CIDToGIDMap) and to its Unicode text (ToUnicode).
#include <cstdint>
#include <string>
#include <vector>

#include "pipelines/ocr/outputs/writers.h"

namespace ppocr::outputs {
namespace {

struct Bytes {
  std::string b;
  void u8(unsigned v) { b += char(v & 0xFF); }
  void u16(unsigned v) { u8(v >> 8), u8(v); }
  void i16(int v) { u16(unsigned(uint16_t(int16_t(v)))); }
  void u32(uint32_t v) { u16(v >> 16), u16(v & 0xFFFF); }
  void tag(const char* t) { b.append(t, 4); }
};

uint32_t checksum(const std::string& data) {
  uint32_t sum = 0;
  for (size_t i = 0; i < data.size(); i += 4) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = (v << 8) | (i + k < data.size() ? uint8_t(data[i + k]) : 0u);
    sum += v;
  }
  return sum;
}

constexpr int kUnitsPerEm = 1000;
constexpr int kAdvance = 500;

std::string build() {
  struct Table {
    const char* tag;
    std::string data;
  };
  std::vector<Table> tables;  // sorted by tag (byte order)

  Bytes cmap;  // format 4, (3,1): U+0020 -> glyph 1 (viewers never look: the PDF gives glyph ids)
  cmap.u16(0), cmap.u16(1);
  cmap.u16(3), cmap.u16(1), cmap.u32(12);
  cmap.u16(4), cmap.u16(32), cmap.u16(0);  // format, length, language
  cmap.u16(4), cmap.u16(4), cmap.u16(1), cmap.u16(0);  // segCountX2, searchRange, entrySelector, rangeShift
  cmap.u16(0x20), cmap.u16(0xFFFF);  // endCode
  cmap.u16(0);                       // reservedPad
  cmap.u16(0x20), cmap.u16(0xFFFF);  // startCode
  cmap.i16(1 - 0x20), cmap.i16(1);   // idDelta
  cmap.u16(0), cmap.u16(0);          // idRangeOffset
  tables.push_back({"cmap", cmap.b});

  tables.push_back({"glyf", std::string()});  // both glyphs are empty (zero-length in loca)

  Bytes head;
  head.u32(0x00010000), head.u32(0x00010000);  // version, fontRevision
  head.u32(0);                                  // checkSumAdjustment (set below)
  head.u32(0x5F0F3CF5), head.u16(0x000B), head.u16(kUnitsPerEm);
  head.u32(0), head.u32(0), head.u32(0), head.u32(0);  // created, modified
  head.i16(0), head.i16(0), head.i16(kAdvance), head.i16(kUnitsPerEm);  // xMin yMin xMax yMax
  head.u16(0), head.u16(3), head.i16(2), head.i16(0), head.i16(0);  // macStyle, lowestRecPPEM, dir, loca short, glyf
  tables.push_back({"head", head.b});

  Bytes hhea;
  hhea.u32(0x00010000), hhea.i16(kUnitsPerEm), hhea.i16(0), hhea.i16(0);  // ascender, descender, lineGap
  hhea.u16(kAdvance), hhea.i16(0), hhea.i16(0), hhea.i16(0);  // advanceWidthMax, minLSB, minRSB, xMaxExtent
  hhea.i16(1), hhea.i16(0), hhea.i16(0);                      // caretSlopeRise/Run, caretOffset
  for (int i = 0; i < 4; ++i) hhea.i16(0);
  hhea.i16(0), hhea.u16(2);  // metricDataFormat, numberOfHMetrics
  tables.push_back({"hhea", hhea.b});

  Bytes hmtx;
  hmtx.u16(kAdvance), hmtx.i16(0), hmtx.u16(kAdvance), hmtx.i16(0);
  tables.push_back({"hmtx", hmtx.b});

  Bytes loca;
  loca.u16(0), loca.u16(0), loca.u16(0);
  tables.push_back({"loca", loca.b});

  Bytes maxp;
  maxp.u32(0x00010000), maxp.u16(2);
  maxp.u16(0), maxp.u16(0), maxp.u16(0), maxp.u16(0);  // points, contours, composite points/contours
  maxp.u16(2);                                          // maxZones
  for (int i = 0; i < 8; ++i) maxp.u16(0);
  tables.push_back({"maxp", maxp.b});

  Bytes name;  // family, subfamily, unique id, full name, PostScript name; Windows Unicode (UTF-16BE)
  const char* strings[] = {"GlyphLessFont", "Regular", "ppocr:GlyphLessFont", "GlyphLessFont", "GlyphLessFont"};
  const int ids[] = {1, 2, 3, 4, 6};
  std::string storage;
  name.u16(0), name.u16(5), name.u16(6 + 5 * 12);
  for (int k = 0; k < 5; ++k) {
    std::string utf16;
    for (const char* c = strings[k]; *c; ++c) utf16 += '\0', utf16 += *c;
    name.u16(3), name.u16(1), name.u16(0x409), name.u16(ids[k]), name.u16(unsigned(utf16.size())),
        name.u16(unsigned(storage.size()));
    storage += utf16;
  }
  name.b += storage;
  tables.push_back({"name", name.b});

  Bytes post;  // version 3: no glyph names
  post.u32(0x00030000), post.u32(0), post.i16(-100), post.i16(50), post.u32(0);
  post.u32(0), post.u32(0), post.u32(0), post.u32(0);
  tables.push_back({"post", post.b});

  // The file: offset table, table directory, tables (4-byte aligned).
  uint16_t n = uint16_t(tables.size());
  uint16_t pow2 = 1, log2 = 0;
  while (pow2 * 2 <= n) pow2 *= 2, ++log2;
  Bytes font;
  font.u32(0x00010000), font.u16(n), font.u16(pow2 * 16), font.u16(log2), font.u16(n * 16 - pow2 * 16);
  uint32_t offset = 12 + 16u * n;
  std::string body;
  size_t head_at = 0;
  for (const Table& t : tables) {
    font.tag(t.tag), font.u32(checksum(t.data)), font.u32(offset), font.u32(uint32_t(t.data.size()));
    if (std::string(t.tag) == "head") head_at = offset;
    std::string padded = t.data;
    padded.resize((padded.size() + 3) / 4 * 4, '\0');
    body += padded;
    offset += uint32_t(padded.size());
  }
  std::string file = font.b + body;
  uint32_t adjust = 0xB1B0AFBAu - checksum(file);
  for (int k = 0; k < 4; ++k) file[head_at + 8 + size_t(k)] = char((adjust >> (24 - 8 * k)) & 0xFF);
  return file;
}

}  // namespace

const std::string& glyphless_font() {
  static const std::string font = build();
  return font;
}

}  // namespace ppocr::outputs
