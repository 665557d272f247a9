// Calls the server through @connectrpc/connect-web, the Connect client a browser portal would use
// (here on Node's fetch), with no code generated on our side: the API's descriptors come from a
// FileDescriptorSet that protoc writes from proto/ at test time.
//
//   node connect_web_client.mjs DESCRIPTORS.pb BASE_URL METHOD REQUEST_JSON [binary]
//
// Prints the answer as proto3 JSON, or "error <code> <message>" (and exits 3) for a Connect error.
// "binary" sends application/proto instead of JSON.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [descriptors, baseUrl, method, requestJson, format] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = process.env.ESTIMATOR_TOOLS_DIR || path.join(root, 'build', 'tools');
const require = createRequire(path.join(tools, 'package.json'));
const { fromBinary, fromJson, toJson, createFileRegistry } = require('@bufbuild/protobuf');
const { FileDescriptorSetSchema } = require('@bufbuild/protobuf/wkt');
const { createClient, ConnectError, Code } = require('@connectrpc/connect');
const { createConnectTransport } = require('@connectrpc/connect-web');

const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, fs.readFileSync(descriptors)));
const [serviceName, methodName] = method.split('/');
const service = registry.getService(serviceName);
if (!service) throw new Error(`no service ${serviceName} in ${descriptors}`);
const rpc = service.methods.find((m) => m.name === methodName);
if (!rpc) throw new Error(`no method ${method}`);

const transport = createConnectTransport({ baseUrl, useBinaryFormat: format === 'binary' });
const client = createClient(service, transport);
const request = fromJson(rpc.input, JSON.parse(requestJson), { registry });
try {
  const answer = await client[rpc.localName](request, { timeoutMs: 20000 });
  console.log(JSON.stringify(toJson(rpc.output, answer, { registry })));
} catch (e) {
  if (!(e instanceof ConnectError)) throw e;
  console.log(`error ${Code[e.code]} ${e.rawMessage}`);
  process.exit(3);
}
