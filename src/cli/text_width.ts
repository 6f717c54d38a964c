/**
 * How many terminal columns text takes: East Asian wide and fullwidth characters and emoji take
 * two, combining marks and other zero-width characters none, so tables with non-ASCII names
 * line up.
 *
 * @module
 */

/**
 * Made on first use, as only non-ASCII text needs them: the segmenter loads ICU's break rules
 * (~15 ms), and each property-class literal is built when its line runs (~0.5 ms for the two).
 */
let segmenter: Intl.Segmenter | undefined;
let classes: { zeroWidth: RegExp; emoji: RegExp } | undefined;
/** East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth W and F), by code point. */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x1b000, 0x1b2ff], // Kana supplement and extensions
  [0x20000, 0x3fffd], // CJK extensions B and later
];

/**
 * The number of terminal columns `text` takes, grapheme by grapheme: 2 for an emoji (a ZWJ
 * sequence, a flag or a character with VS16 counts once) or an East Asian wide character, 0 for
 * combining marks and format characters, else 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayWidth } from "./text_width.ts";
 *
 * assert.equal(displayWidth("init"), 4);
 * assert.equal(displayWidth("用户"), 4);
 * assert.equal(displayWidth("cafe\u0301"), 4);
 * assert.equal(displayWidth("👩‍💻"), 2);
 * ```
 */
export function displayWidth(text: string): number {
  if (isPrintableAscii(text)) return text.length;
  let width = 0;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/**
 * Whether `text` is printable ASCII only, the common case: one column per character.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPrintableAscii } from "./text_width.ts";
 *
 * assert.equal(isPrintableAscii("001_init"), true);
 * assert.equal(isPrintableAscii("café"), false);
 * ```
 */
export function isPrintableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function graphemeWidth(grapheme: string): number {
  classes ??= {
    zeroWidth: /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u,
    emoji: /\p{Extended_Pictographic}|\p{Regional_Indicator}/u,
  };
  if (classes.zeroWidth.test(grapheme)) return 0;
  if (
    grapheme.includes("\uFE0F") || classes.emoji.test(grapheme) && isEmojiPresentation(grapheme)
  ) {
    return 2;
  }
  const first = grapheme.codePointAt(0) ?? 0;
  return WIDE_RANGES.some(([low, high]) => first >= low && first <= high) ? 2 : 1;
}

/** Pictographs shown as emoji by default: the ones beyond the BMP, flags and a few classics. */
function isEmojiPresentation(grapheme: string): boolean {
  const first = grapheme.codePointAt(0) ?? 0;
  return first >= 0x1f000 || /\p{Emoji_Presentation}/u.test(grapheme);
}
