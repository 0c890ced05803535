import { createHash } from 'node:crypto';
import { encodeJson } from '../encoding/json';
import type { XapiAgent, XapiVerb } from './statement';

/** The namespace event-routing-backends derives every statement id from (RFC 4122's DNS namespace). */
const BASE_NAMESPACE = uuidBytes('6ba7b810-9dad-11d1-80b4-00c04fd430c8');

/**
 * A statement's id as event-routing-backends makes it, so that a replay of the same
 * event gives the same id: UUIDv5 of `"<actor JSON>-<raw timestamp>"` in the
 * namespace UUIDv5(base, `"<verb JSON>"` — plus `"-<question id>"` for a question of a
 * multi-question problem), each JSON as tincan writes it with Python's `json.dumps`.
 */
export function statementId(verb: XapiVerb, actor: XapiAgent, rawTimestamp: string, childId?: string): string {
  // tincan keeps the order its classes declare: an account's name before its homePage.
  const actorJson = encodeJson({ objectType: 'Agent', account: { name: actor.account.name, homePage: actor.account.homePage } }, 'python');
  const namespace = childId === undefined ? verbNamespace(verb) : uuid5(BASE_NAMESPACE, `${verbJson(verb)}-${childId}`);
  return formatUuid(uuid5(namespace, `${actorJson}-${rawTimestamp}`));
}

/** The namespace of each verb's statements, computed once per verb (the verbs are constants). */
const verbNamespaces = new WeakMap<XapiVerb, Buffer>();

function verbNamespace(verb: XapiVerb): Buffer {
  let namespace = verbNamespaces.get(verb);
  if (namespace === undefined) {
    namespace = uuid5(BASE_NAMESPACE, verbJson(verb));
    verbNamespaces.set(verb, namespace);
  }
  return namespace;
}

const verbJson = (verb: XapiVerb): string => encodeJson({ id: verb.id, display: verb.display }, 'python');

/** RFC 4122 version 5: SHA-1 of namespace and UTF-8 name, version and variant bits set. */
function uuid5(namespace: Buffer, name: string): Buffer {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  return hash;
}

function uuidBytes(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, ''), 'hex');
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
