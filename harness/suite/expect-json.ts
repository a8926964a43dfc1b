/** Subset matching of a JSON answer against what a check expects, with a readable mismatch. */

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `body is not JSON (${(error as Error).message}): ${preview(text)}` };
  }
}

/** Returns undefined when `actual` contains every key/value of `expected`, else what differs. */
export function jsonSubsetMismatch(actual: unknown, expected: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
    return `expected a JSON object containing ${JSON.stringify(expected)}, got ${preview(JSON.stringify(actual))}`;
  }
  const record = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    if (JSON.stringify(record[key]) !== JSON.stringify(value)) {
      return `expected "${key}": ${JSON.stringify(value)}, got ${record[key] === undefined ? 'no such key' : JSON.stringify(record[key])}`;
    }
  }
  return undefined;
}

export function preview(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}
