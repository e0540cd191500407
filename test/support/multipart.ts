// Reads `multipart/form-data` request bodies for the chat API stand-ins.

export interface FormPart {
  /** The part's field name, such as `payload_json` or `files[0]`. */
  field: string;
  /** The file name, for file parts; null for plain fields. */
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

/** Returns the boundary of a multipart content type, or null for any other content type. */
export function multipartBoundary(contentType: string | undefined): string | null {
  return /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1] ?? null;
}

/** Splits a multipart body into its parts, in order. */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const partStart = start + delimiter.length + 2;
    const end = body.indexOf(delimiter, partStart);
    if (end < 0) break;
    const part = body.subarray(partStart, end - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    parts.push({
      field: /name="([^"]*)"/.exec(headers)?.[1] ?? '',
      filename: /filename="([^"]*)"/.exec(headers)?.[1] ?? null,
      contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? null,
      data: Buffer.from(part.subarray(headerEnd + 4)),
    });
    start = end;
  }
  return parts;
}
