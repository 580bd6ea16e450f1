import { type KeyObject, sign } from 'node:crypto';

/**
 * An HTTP interactions endpoint the fake posts interactions to, as Discord does once an application's
 * Interactions Endpoint URL is set: its URL and the application's Ed25519 private key, whose public half
 * the bot verifies with.
 */
export interface InteractionsEndpoint {
  url: string;
  privateKey: KeyObject;
}

/** The headers Discord signs an outgoing interaction with: Ed25519 over `timestamp + body`. */
export function signatureHeaders(
  body: string | Buffer,
  privateKey: KeyObject,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const ts = String(timestamp);
  const signature = sign(null, Buffer.concat([Buffer.from(ts), Buffer.from(body)]), privateKey);
  return { 'x-signature-ed25519': signature.toString('hex'), 'x-signature-timestamp': ts };
}

/** What the endpoint answered a signed POST with. */
export interface EndpointResponse {
  status: number;
  /** The parsed JSON body, or the text when it is not JSON. */
  body: unknown;
}

/** POSTs a signed JSON body to the endpoint, with the headers and user agent Discord uses. */
export async function postSigned(
  endpoint: InteractionsEndpoint,
  payload: unknown,
): Promise<EndpointResponse> {
  const body = JSON.stringify(payload);
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
      ...signatureHeaders(body, endpoint.privateKey),
    },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}
