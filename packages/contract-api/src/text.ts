/**
 * Rules for free text on the wire. Free-text fields (meter metadata, revocation comments, listing filter
 * values) become parts of ledger keys and log lines, where a control character has no meaning and can do
 * harm: U+0000 separates the parts of a state key (a filter value with one could select another index
 * entry), and a newline in a logged value forges log lines. Rejected everywhere text is free:
 *
 * - C0 controls U+0000-U+001F (including tab and newline: every free-text field is one line), DEL U+007F
 *   and the C1 controls U+0080-U+009F;
 * - the line and paragraph separators U+2028 and U+2029;
 * - lone UTF-16 surrogates, which have no UTF-8 encoding (the ledger would store U+FFFD instead).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cs}/u;
const FORBIDDEN_GLOBAL = new RegExp(FORBIDDEN.source, 'gu');

function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `text` is not acceptable free text, or undefined when it is. */
export function controlCharacterProblem(text: string): string | undefined {
  const match = FORBIDDEN.exec(text);
  if (!match) return undefined;
  return `must not contain control characters, line separators or lone surrogates (${codePointName(match[0])} at index ${match.index})`;
}

/**
 * `text` with every forbidden character written as a `\uXXXX` escape: safe to put in an error message
 * or a log line (fabric-shim logs every error message of a rejected transaction verbatim).
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(FORBIDDEN_GLOBAL, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
