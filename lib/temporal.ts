import fs from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { ConfigError, type AppConfig } from './config';
import { encryptedDataConverter } from './payload-codec';

export type TemporalConnectionConfig = Pick<
  AppConfig,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'
  | 'TEMPORAL_TLS_CLIENT_CERT_PATH'
  | 'TEMPORAL_TLS_CLIENT_KEY_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
>;

const readPem = (variable: string, file: string): Buffer => {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError(
      `${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
};

/**
 * How the worker and the API reach Temporal: the address, TLS (server CA, client certificate and
 * key, server name) and an API key, from configuration. The same options fit `Connection` (client)
 * and `NativeConnection` (worker).
 */
export function temporalConnectionOptions(config: TemporalConnectionConfig): {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
} {
  const wantsTls =
    config.TEMPORAL_TLS === 'true' ||
    (config.TEMPORAL_TLS !== 'false' &&
      Boolean(
        config.TEMPORAL_TLS_SERVER_CA_CERT_PATH ||
        config.TEMPORAL_TLS_CLIENT_CERT_PATH ||
        config.TEMPORAL_TLS_SERVER_NAME,
      ));
  // An API key alone turns TLS on (the SDK's rule: a key never travels in clear), unless
  // TEMPORAL_TLS=false says the network is private.
  let tls: TLSConfig | boolean | undefined = config.TEMPORAL_TLS === 'false' ? false : undefined;
  if (wantsTls) {
    const options: TLSConfig = {};
    if (config.TEMPORAL_TLS_SERVER_CA_CERT_PATH) {
      options.serverRootCACertificate = readPem(
        'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
        config.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
      );
    }
    if (config.TEMPORAL_TLS_CLIENT_CERT_PATH && config.TEMPORAL_TLS_CLIENT_KEY_PATH) {
      options.clientCertPair = {
        crt: readPem('TEMPORAL_TLS_CLIENT_CERT_PATH', config.TEMPORAL_TLS_CLIENT_CERT_PATH),
        key: readPem('TEMPORAL_TLS_CLIENT_KEY_PATH', config.TEMPORAL_TLS_CLIENT_KEY_PATH),
      };
    }
    if (config.TEMPORAL_TLS_SERVER_NAME) options.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
    tls = Object.keys(options).length ? options : true;
  }
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(tls !== undefined ? { tls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

const GRPC_UNIMPLEMENTED = 12;

const INDEXED_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the operator search attributes on the namespace if missing (idempotent), so a fresh
 * dev server, test server or production namespace needs no manual `temporal operator` step.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  let known = new Set<string>();
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    known = new Set(Object.keys(existing.customAttributes ?? {}));
  } catch (err) {
    // The time-skipping test server cannot list search attributes, but can add them.
    if ((err as { code?: number }).code !== GRPC_UNIMPLEMENTED) throw err;
  }
  const missing = SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_TYPE[key.type]])),
  });
}

/** The project's Temporal client: every payload it sends or reads goes through the encryption codec. */
export async function connectClient(
  config: TemporalConnectionConfig & Pick<AppConfig, 'TEMPORAL_NAMESPACE' | 'PAYLOAD_ENCRYPTION_KEYS'>,
): Promise<Client> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: encryptedDataConverter(config.PAYLOAD_ENCRYPTION_KEYS),
  });
}
