// The health port for Kubernetes' native gRPC probes: grpc.health.v1.Health/Check over plaintext on
// its own address (--health_listen), beside the TLS port that serves everything else.
//
// The kubelet's gRPC probe cannot speak TLS, and the main port is TLS-only off loopback, so the
// probes get a port of their own that serves nothing but the statuses the main port's health
// service reports (a copy kept in step by the server): no patient data, no credentials, no
// reflection. Watch is not served (UNIMPLEMENTED); the probes only Check.
//
//   ProbeHealth probe;
//   probe.Set("", true);                       // as health->SetServingStatus(true)
//   std::unique_ptr<grpc::Server> s = StartProbeServer("0.0.0.0:8081", &probe, &port);
#ifndef ESTIMATOR_SERVER_PROBE_HEALTH_H_
#define ESTIMATOR_SERVER_PROBE_HEALTH_H_

#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/server.h"

namespace estimator {

class ProbeHealth final : public grpc::health::v1::Health::CallbackService {
 public:
  // `service` "" is the server as a whole.
  void Set(const std::string& service, bool serving);
  // Every service NOT_SERVING from now on, whatever Set is called with later (the server stops).
  void Shutdown();

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;

 private:
  absl::Mutex mu_;
  std::map<std::string, bool> serving_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

// Starts a plaintext gRPC server on `listen` with only `health` registered (no reflection, no
// default health service); null when the address cannot be bound. `port` receives the bound port.
std::unique_ptr<grpc::Server> StartProbeServer(const std::string& listen, ProbeHealth* health,
                                               int* port);

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_PROBE_HEALTH_H_
