// Deprecated span attribute keys and what replaced them. Checked against the deprecation notes shipped in
// @opentelemetry/semantic-conventions 1.45.0 (a unit test parses that package and compares); entries marked
// 'historic' were renamed in older convention versions and are no longer listed there at all.

export interface AttributeDeprecation {
  readonly key: string;
  /** Current key(s), most common use first; empty when the attribute was removed or split. */
  readonly replacements: readonly string[];
  /** Renaming is always right (same meaning, same value type, no span-kind choice). */
  readonly plainRename: boolean;
  /** Extra guidance shown in the message. */
  readonly note?: string;
  readonly source: 'semconv-1.45' | 'historic';
}

function rename(key: string, to: string, source: AttributeDeprecation['source'] = 'semconv-1.45'): AttributeDeprecation {
  return { key, replacements: [to], plainRename: true, source };
}

export const attributeDeprecations: readonly AttributeDeprecation[] = [
  // HTTP (stable since semconv 1.23)
  rename('http.method', 'http.request.method'),
  rename('http.status_code', 'http.response.status_code'),
  rename('http.url', 'url.full'),
  rename('http.scheme', 'url.scheme'),
  rename('http.user_agent', 'user_agent.original'),
  rename('http.client_ip', 'client.address'),
  rename('http.server_name', 'server.address'),
  rename('http.request_content_length', 'http.request.header.content-length'),
  rename('http.response_content_length', 'http.response.header.content-length'),
  rename('http.request_content_length_uncompressed', 'http.request.body.size'),
  rename('http.response_content_length_uncompressed', 'http.response.body.size'),
  rename('http.retry_count', 'http.request.resend_count', 'historic'),
  { key: 'http.target', replacements: ['url.path', 'url.query'], plainRename: false, note: 'split it into url.path and url.query (without the leading ?)', source: 'semconv-1.45' },
  { key: 'http.flavor', replacements: ['network.protocol.version'], plainRename: false, note: 'use network.protocol.name (e.g. "http") and network.protocol.version (e.g. "1.1")', source: 'semconv-1.45' },
  { key: 'http.host', replacements: ['server.address', 'client.address', 'http.request.header.host'], plainRename: false, note: 'use server.address, client.address or http.request.header.host depending on what the value is', source: 'semconv-1.45' },
  // Network
  { key: 'net.peer.name', replacements: ['server.address', 'client.address'], plainRename: false, note: 'server.address on client spans, client.address on server spans', source: 'semconv-1.45' },
  { key: 'net.peer.port', replacements: ['server.port', 'client.port'], plainRename: false, note: 'server.port on client spans, client.port on server spans', source: 'semconv-1.45' },
  rename('net.host.name', 'server.address'),
  rename('net.host.port', 'server.port'),
  rename('net.peer.ip', 'network.peer.address'),
  rename('net.host.ip', 'network.local.address'),
  rename('net.sock.peer.addr', 'network.peer.address'),
  rename('net.sock.peer.port', 'network.peer.port'),
  rename('net.sock.host.addr', 'network.local.address'),
  rename('net.sock.host.port', 'network.local.port'),
  rename('net.transport', 'network.transport'),
  rename('net.protocol.name', 'network.protocol.name'),
  rename('net.protocol.version', 'network.protocol.version'),
  rename('net.app.protocol.name', 'network.protocol.name', 'historic'),
  rename('net.app.protocol.version', 'network.protocol.version', 'historic'),
  { key: 'net.sock.family', replacements: ['network.type'], plainRename: false, note: 'use network.transport and network.type', source: 'semconv-1.45' },
  // Databases
  rename('db.statement', 'db.query.text'),
  rename('db.system', 'db.system.name'),
  rename('db.operation', 'db.operation.name'),
  rename('db.name', 'db.namespace'),
  rename('db.mongodb.collection', 'db.collection.name'),
  rename('db.cassandra.table', 'db.collection.name'),
  rename('db.cassandra.keyspace', 'db.namespace', 'historic'),
  { key: 'db.sql.table', replacements: ['db.collection.name'], plainRename: false, note: 'db.collection.name, unless the value was parsed out of the query text', source: 'semconv-1.45' },
  { key: 'db.redis.database_index', replacements: ['db.namespace'], plainRename: false, note: 'db.namespace takes the index as a string', source: 'semconv-1.45' },
  { key: 'db.user', replacements: [], plainRename: false, note: 'it was removed without replacement', source: 'semconv-1.45' },
  { key: 'db.connection_string', replacements: ['server.address'], plainRename: false, note: 'record server.address and server.port instead (never a connection string: it may hold a password)', source: 'semconv-1.45' },
  // Messaging
  rename('messaging.system', 'messaging.system.name'),
  rename('messaging.operation', 'messaging.operation.type'),
  rename('messaging.destination', 'messaging.destination.name', 'historic'),
  rename('messaging.message_id', 'messaging.message.id', 'historic'),
  rename('messaging.client_id', 'messaging.client.id', 'historic'),
  rename('messaging.message_payload_size_bytes', 'messaging.message.body.size', 'historic'),
  rename('messaging.protocol', 'network.protocol.name', 'historic'),
  rename('messaging.protocol_version', 'network.protocol.version', 'historic'),
  { key: 'messaging.kafka.partition', replacements: ['messaging.destination.partition.id'], plainRename: false, note: 'messaging.destination.partition.id takes the partition as a string', source: 'historic' },
  { key: 'messaging.kafka.destination.partition', replacements: ['messaging.destination.partition.id'], plainRename: false, note: 'messaging.destination.partition.id takes the partition as a string', source: 'semconv-1.45' },
  rename('messaging.kafka.consumer.group', 'messaging.consumer.group.name'),
  rename('messaging.kafka.consumer_group', 'messaging.consumer.group.name', 'historic'),
  rename('messaging.kafka.message.key', 'kafka.message.key'),
  rename('messaging.kafka.message_key', 'kafka.message.key', 'historic'),
  rename('messaging.kafka.message.offset', 'kafka.offset'),
  rename('messaging.kafka.offset', 'kafka.offset'),
  rename('messaging.kafka.message.tombstone', 'kafka.message.tombstone'),
  rename('messaging.kafka.cluster.id', 'kafka.cluster.id'),
  rename('messaging.rabbitmq.destination.routing_key', 'rabbitmq.destination.routing_key'),
  rename('messaging.rabbitmq.routing_key', 'rabbitmq.destination.routing_key', 'historic'),
  rename('messaging.rabbitmq.message.delivery_tag', 'rabbitmq.message.delivery_tag'),
  // RPC
  rename('rpc.system', 'rpc.system.name'),
  rename('rpc.response.status_code', 'rpc.status_code'),
  { key: 'rpc.grpc.status_code', replacements: ['rpc.status_code'], plainRename: false, note: 'rpc.status_code takes the gRPC status as a string', source: 'semconv-1.45' },
  { key: 'rpc.service', replacements: ['rpc.method'], plainRename: false, note: 'include the service in rpc.method, which is a fully-qualified name', source: 'semconv-1.45' },
  // Code, scope, environment
  rename('code.filepath', 'code.file.path'),
  rename('code.lineno', 'code.line.number'),
  rename('code.column', 'code.column.number'),
  { key: 'code.function', replacements: ['code.function.name'], plainRename: false, note: 'code.function.name holds the fully-qualified name (namespace included)', source: 'semconv-1.45' },
  { key: 'code.namespace', replacements: ['code.function.name'], plainRename: false, note: 'fold it into code.function.name, which holds the fully-qualified name', source: 'semconv-1.45' },
  rename('otel.library.name', 'otel.scope.name'),
  rename('otel.library.version', 'otel.scope.version'),
  rename('deployment.environment', 'deployment.environment.name'),
  rename('enduser.role', 'user.roles'),
  rename('faas.execution', 'faas.invocation.id', 'historic'),
  rename('faas.invocation_id', 'faas.invocation.id', 'historic'),
  { key: 'exception.escaped', replacements: [], plainRename: false, note: 'it is no longer recommended: record exceptions that escape the span, without this flag', source: 'semconv-1.45' },
];

const byKey = new Map(attributeDeprecations.map((d) => [d.key, d]));

export function attributeDeprecation(key: string): AttributeDeprecation | undefined {
  return byKey.get(key);
}
