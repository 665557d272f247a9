// Checks one rendered overlay of deploy/k8s (kustomize's output) and the rules ConfigMap:
// every object against the Kubernetes schemas (npm kubernetes-models), and the rules this
// project's manifests must keep (security context, probes, ports, mounts, no subPath, the drain's
// timing, the Services, the autoscaler, the budget, the network policy). Writes the container's
// launch plan (arguments, mounts, probes, ports) as JSON for k8s_manifests_test.sh, which starts
// the real server with those arguments.
//
//   node k8s_manifests_check.mjs dev|production RENDERED.yaml CONFIGMAP.json PLAN_OUT.json
//
// Run with NODE_PATH pointing at build/tools/node_modules. Exits 1 listing every problem found.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.NODE_PATH + "/");
const YAML = require("yaml");

const [overlay, renderedFile, configMapFile, planFile] = process.argv.slice(2);
const problems = [];
const expect = (ok, what) => { if (!ok) problems.push(what); };

// The kubernetes-models class for an object: module by API group and version, class by kind.
function modelFor(object) {
  const [group, version] = object.apiVersion.includes("/")
    ? object.apiVersion.split("/") : [null, object.apiVersion];
  const module = require(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  const Model = module[object.kind];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  return Model;
}
function validationError(object) {
  try {
    new (modelFor(object))(object).validate();
    return null;
  } catch (e) {
    return e.message;
  }
}

const objects = YAML.parseAllDocuments(readFileSync(renderedFile, "utf8")).map((d) => d.toJSON())
  .filter((o) => o !== null);
const configMap = JSON.parse(readFileSync(configMapFile, "utf8"));
for (const object of [...objects, configMap]) {
  const error = validationError(object);
  expect(error === null, `${object.kind}/${object.metadata?.name}: ${error}`);
}
const find = (kind, name) => objects.find((o) => o.kind === kind && (!name || o.metadata.name === name));
const deployment = find("Deployment", "estimator");
if (!deployment) {
  console.error("no Deployment estimator in the rendered manifests");
  process.exit(1);
}
// The validator must bite: the same Deployment with a mistake is refused.
const broken = structuredClone(deployment);
broken.spec.template.spec.containers[0].ports[0].containerPort = "eighty";
expect(validationError(broken) !== null, "the schema validation accepted a port that is not a number");

const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const args = container.args;
const flag = (name) => {
  const given = args.filter((a) => a.startsWith(`--${name}=`));
  return given.length ? given[given.length - 1].slice(name.length + 3) : undefined;
};
const portOf = (address) => Number(address.slice(address.lastIndexOf(":") + 1));

// Security.
const sc = container.securityContext ?? {};
expect(pod.securityContext?.runAsNonRoot === true && sc.runAsNonRoot === true, "runAsNonRoot");
expect(sc.readOnlyRootFilesystem === true, "readOnlyRootFilesystem");
expect(sc.allowPrivilegeEscalation === false, "allowPrivilegeEscalation: false");
expect(JSON.stringify(sc.capabilities?.drop) === '["ALL"]', "capabilities drop ALL");
expect(pod.automountServiceAccountToken === false, "no service account token");
expect(container.resources?.requests?.cpu && container.resources?.requests?.memory &&
       container.resources?.limits?.memory, "CPU and memory requests and a memory limit");

// Ports: the container's named ports are the ones the flags listen on.
const ports = Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort]));
expect(ports.grpc === portOf(flag("listen")), "port grpc = --listen");
expect(ports.http === portOf(flag("http_listen")), "port http = --http_listen");
expect(ports.health === portOf(flag("health_listen")), "port health = --health_listen");

// Probes: native gRPC, on the health port.
const probes = [];
for (const kind of ["startupProbe", "readinessProbe", "livenessProbe"]) {
  const probe = container[kind];
  expect(probe?.grpc, `${kind} is a gRPC probe`);
  if (!probe?.grpc) continue;
  expect(probe.grpc.port === ports.health, `${kind} on the health port`);
  probes.push({ kind, port: probe.grpc.port, service: probe.grpc.service ?? "" });
}
expect(container.startupProbe?.grpc?.service === "estimator.v1.QuoteService",
       "started only once the quote store is open");

// The drain: preStop, then SIGTERM with --shutdown_grace, all within the grace period.
const preStop = container.lifecycle?.preStop?.exec?.command ?? [];
const preStopSeconds = preStop[0] === "/bin/sleep" ? Number(preStop[1]) : NaN;
expect(preStopSeconds > 0, "a preStop sleep lets endpoints drain");
const grace = Number((flag("shutdown_grace") ?? "").replace(/s$/, ""));
expect(pod.terminationGracePeriodSeconds > preStopSeconds + grace,
       `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} > preStop ` +
       `${preStopSeconds} s + --shutdown_grace ${grace} s`);

// Mounts: no subPath; every file flag lies under a mounted volume of the right kind.
const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
const mounts = {};
for (const m of container.volumeMounts) {
  expect(!("subPath" in m) && !("subPathExpr" in m), `${m.mountPath} is mounted without subPath`);
  const v = volumes[m.name];
  expect(v, `volume ${m.name} exists`);
  if (!v) continue;
  const kind = ["configMap", "secret", "emptyDir", "persistentVolumeClaim"].find((k) => k in v);
  mounts[m.mountPath] = { volume: m.name, kind, source: v.configMap?.name ?? v.secret?.secretName ??
                          v.persistentVolumeClaim?.claimName ?? null, readOnly: m.readOnly === true };
}
const mountOf = (path) => Object.keys(mounts).find((m) => path === m || path.startsWith(m + "/"));
const files = {
  rules_dir: flag("rules_dir"), tls_cert_file: flag("tls_cert_file"),
  tls_key_file: flag("tls_key_file"), access_config: flag("access_config"),
};
if (flag("quote_store_url_file")) files.quote_store_url_file = flag("quote_store_url_file");
if (flag("quote_store")?.startsWith("sqlite:")) files.quote_store = flag("quote_store").slice(7);
for (const [name, path] of Object.entries(files)) {
  expect(path && mountOf(path), `--${name}=${path} lies under a volume mount`);
}
const rulesMount = mounts[files.rules_dir];
expect(rulesMount?.kind === "configMap" && rulesMount.source === configMap.metadata.name,
       `--rules_dir is the ConfigMap ${configMap.metadata.name} mounted as a whole folder`);
for (const name of ["tls_cert_file", "tls_key_file", "access_config"]) {
  expect(mounts[mountOf(files[name])]?.kind === "secret", `--${name} comes from a Secret`);
}
expect(mounts["/tmp"]?.kind === "emptyDir", "/tmp is a writable emptyDir");
const stateMount = mountOf("/var/lib/estimator");
expect(stateMount && !mounts[stateMount].readOnly, "/var/lib/estimator is writable");

// The rules ConfigMap: flat keys only, the five folders, plans present.
const keys = Object.keys(configMap.data ?? {});
expect(keys.every((k) => /^(plans|clinics|protocols|catalogs|codes)__[-._a-zA-Z0-9]+\.textproto$/.test(k)),
       "every ConfigMap key is folder__name.textproto");
expect(keys.some((k) => k.startsWith("plans__")), "the ConfigMap holds plans");

// Services.
const grpcService = find("Service", "estimator-grpc");
const httpService = find("Service", "estimator-http");
const podLabels = deployment.spec.template.metadata.labels;
const selects = (selector) => Object.entries(selector ?? {}).every(([k, v]) => podLabels[k] === v);
expect(grpcService?.spec.clusterIP === "None", "the gRPC Service is headless (client-side balancing)");
for (const service of [grpcService, httpService]) {
  if (!service) continue;
  expect(selects(service.spec.selector), `${service.metadata.name} selects the pods`);
  for (const p of service.spec.ports) {
    expect(p.targetPort in ports, `${service.metadata.name} targets the container's port ${p.targetPort}`);
  }
}
expect(httpService?.spec.ports.some((p) => p.targetPort === "http"), "a Service for the HTTP listener");

// Network policy: selects the pods, lets in only the API ports, lets out only PostgreSQL and DNS.
const policy = find("NetworkPolicy");
expect(policy && selects(policy.spec.podSelector.matchLabels), "a NetworkPolicy selects the pods");
if (policy) {
  const inPorts = policy.spec.ingress.flatMap((r) => r.ports.map((p) => p.port)).sort();
  expect(JSON.stringify(inPorts) === JSON.stringify([ports.http, ports.grpc].sort()),
         `ingress only to the API ports (got ${inPorts})`);
  const outPorts = [...new Set(policy.spec.egress.flatMap((r) => r.ports.map((p) => p.port)))].sort();
  expect(JSON.stringify(outPorts) === JSON.stringify([53, 5432]), `egress only to DNS and PostgreSQL (got ${outPorts})`);
}

// Per overlay.
if (overlay === "production") {
  expect(deployment.spec.replicas === 3, "three replicas");
  expect(deployment.spec.strategy?.rollingUpdate?.maxUnavailable === 0, "rolling update never below the replicas");
  expect(mounts[mountOf(files.quote_store_url_file ?? "/none")]?.kind === "secret",
         "the PostgreSQL URL comes from a Secret");
  const hpa = find("HorizontalPodAutoscaler");
  expect(hpa?.spec.scaleTargetRef.name === "estimator" && hpa.spec.minReplicas >= 3 &&
         hpa.spec.metrics.some((m) => m.resource?.name === "cpu"), "an autoscaler on CPU for the Deployment");
  const pdb = find("PodDisruptionBudget");
  expect(pdb && selects(pdb.spec.selector.matchLabels) && pdb.spec.minAvailable < deployment.spec.replicas,
         "a disruption budget that still lets one pod go");
} else if (overlay === "dev") {
  expect(deployment.spec.replicas === 1, "one replica");
  expect(deployment.spec.strategy?.type === "Recreate", "SQLite: never two pods on the volume");
  const state = volumes[mounts[stateMount]?.volume];
  const claim = state?.persistentVolumeClaim?.claimName;
  expect(claim && find("PersistentVolumeClaim", claim), "quotes.db on a PersistentVolumeClaim that exists");
  expect(files.quote_store?.startsWith(stateMount + "/"), "the SQLite file is on that volume");
  expect(!find("HorizontalPodAutoscaler") && !find("PodDisruptionBudget"), "no autoscaler or budget for one replica");
} else {
  problems.push(`unknown overlay ${overlay}`);
}

if (problems.length) {
  console.error(`${overlay}: ${problems.length} problems:\n  ` + problems.join("\n  "));
  process.exit(1);
}
writeFileSync(planFile, JSON.stringify({ args, mounts, probes, ports }, null, 1));
console.log(`${overlay}: ${objects.length + 1} objects valid (${[...objects, configMap].map((o) => o.kind).join(", ")}); ` +
            `manifest rules hold`);
