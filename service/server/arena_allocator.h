// A per-call protobuf arena for the request and response of one RPC. An estimate is a few hundred
// small messages and strings; made on an arena, each is a pointer bump and the whole answer is
// freed at once when gRPC releases the call, instead of one malloc and one free per part
// (BENCHMARKS.md: about +45% EstimateCourse throughput).
//
//   ArenaAllocator<v1::EstimateCourseRequest, v1::EstimateCourseResponse> allocator;
//   service.SetMessageAllocatorFor_EstimateCourse(&allocator);  // must outlive the server
//
// The handler must write its answer into the arena's `*response` (the engine's *Into entry
// points): assigning a heap message to it would copy every part.
#ifndef ESTIMATOR_SERVER_ARENA_ALLOCATOR_H_
#define ESTIMATOR_SERVER_ARENA_ALLOCATOR_H_

#include "google/protobuf/arena.h"
#include "grpcpp/support/message_allocator.h"

namespace estimator {

// Blocks of the per-call arena. 16 KiB holds a typical estimate's request and answer in one or two
// blocks; a long comparison grows by blocks of up to 64 KiB.
inline google::protobuf::ArenaOptions CallArenaOptions() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 16 * 1024;
  options.max_block_size = 64 * 1024;
  return options;
}

template <typename Request, typename Response>
class ArenaAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

 private:
  // gRPC calls Release() once the response is sent (or the call is cancelled).
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(CallArenaOptions()) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    google::protobuf::Arena arena_;
  };
};

}  // namespace estimator

#endif  // ESTIMATOR_SERVER_ARENA_ALLOCATOR_H_
