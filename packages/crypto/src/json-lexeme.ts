import { hasLoneSurrogate } from './bytes';
import { CryptoError } from './errors';

/**
 * A strict RFC 8259 JSON parser that also remembers the exact source text of every number, keyed
 * by JSON Pointer (RFC 6901), e.g. "/ENERGY/Total" or "/RD/0/RV". JSON.parse would turn 1.000 into
 * 1, but signed meter readings sign the number exactly as the device printed it.
 *
 * Stricter than JSON.parse, so that every party reads one meaning from one text: duplicate object
 * keys, lone UTF-16 surrogates (escaped or literal), numbers that overflow to Infinity, nesting
 * deeper than 64 and any non-whitespace after the value are rejected. Errors are MALFORMED_READING
 * and name `what`. Internal: not exported from the package.
 */
export interface LexemeJson {
  value: unknown;
  numbers: Map<string, string>;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const MAX_DEPTH = 64;

/** RFC 6901 escaping of one reference token; most keys need none. */
const pointerToken = (k: string) => (k.includes('~') || k.includes('/') ? k.replace(/~/g, '~0').replace(/\//g, '~1') : k);
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const HEX4 = /^[0-9a-fA-F]{4}$/;
const DIGIT = /[0-9]/;

export function parseJsonWithLexemes(text: string, what: string): LexemeJson {
  if (typeof text !== 'string') throw new CryptoError('MALFORMED_READING', `${what} must be a string`);
  const numbers = new Map<string, string>();
  // The JSON Pointer of the value being parsed, as escaped tokens; joined only when a number needs it.
  const path: string[] = [];
  let pos = 0;
  const fail = (msg: string): never => {
    throw new CryptoError('MALFORMED_READING', `${what} is not valid JSON: ${msg} at offset ${pos}`);
  };
  const ws = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };
  const str = (): string => {
    pos++; // opening quote
    // Fast path: a run without escapes is one slice; the text is walked once either way.
    let out = '';
    let runStart = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(runStart, pos);
        pos++;
        break;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        out += text.slice(runStart, pos);
        const e = text[pos + 1];
        if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
          out += ESCAPES[e];
          pos += 2;
        } else if (e === 'u' && HEX4.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else fail('bad escape in string');
        runStart = pos;
      } else pos++;
    }
    if (hasLoneSurrogate(out)) fail('lone UTF-16 surrogate in string');
    return out;
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    ws();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      ws();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail('expected a string key');
        const key = str();
        if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`);
        seen.add(key);
        ws();
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        path.push(pointerToken(key));
        const v = value(depth + 1);
        path.pop();
        // defineProperty: a "__proto__" key becomes an own property, never the prototype (and only there:
        // defineProperty on every key would make every object a slow dictionary).
        if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const arr: unknown[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        path.push(String(arr.length));
        arr.push(value(depth + 1));
        path.pop();
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    if (c === 't' && text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (c === 'f' && text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (c === 'n' && text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    const lexeme = m[0];
    // A digit right after the match means a leading zero such as 05, which JSON forbids.
    if (DIGIT.test(text[pos + lexeme.length] ?? '')) fail('number with a leading zero');
    const n = Number(lexeme);
    if (!Number.isFinite(n)) fail('number out of range');
    pos += lexeme.length;
    numbers.set(path.length === 0 ? '' : `/${path.join('/')}`, lexeme);
    return n;
  };
  const v = value(0);
  ws();
  if (pos !== text.length) fail('unexpected text after the JSON value');
  return { value: v, numbers };
}
