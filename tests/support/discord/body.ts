import type { IncomingMessage } from 'node:http';

/** A file uploaded with a request (discord.js sends them as `files[n]` parts next to `payload_json`). */
export interface UploadedFile {
  field: string;
  name: string;
  contentType: string;
  size: number;
  data: Buffer;
}

export interface ParsedBody {
  /** The JSON body, or the parsed `payload_json` part of a multipart body; undefined when empty. */
  json: unknown;
  files: UploadedFile[];
  /** Set when the body could not be parsed; the server answers 400 like Discord does for bad JSON. */
  error?: string;
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Returns the parsed body of a request: JSON, or multipart/form-data with `payload_json` and files.
 * Multipart is parsed with the WHATWG `Request#formData()` built into Node, so boundaries, quoting and
 * binary parts are handled by a real parser rather than a regex.
 */
export async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const raw = await readRaw(req);
  if (raw.length === 0) return { json: undefined, files: [] };
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/form-data')) {
    try {
      const form = await new Request('http://fake.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: Uint8Array.from(raw),
      }).formData();
      let json: unknown;
      const files: UploadedFile[] = [];
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') json = JSON.parse(value);
        } else {
          const data = Buffer.from(await value.arrayBuffer());
          files.push({ field, name: value.name, contentType: value.type, size: data.length, data });
        }
      }
      return { json, files };
    } catch (error) {
      return { json: undefined, files: [], error: `multipart: ${(error as Error).message}` };
    }
  }
  try {
    return { json: JSON.parse(raw.toString('utf8')), files: [] };
  } catch (error) {
    return { json: undefined, files: [], error: `json: ${(error as Error).message}` };
  }
}
