#include "common/handoff_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace bg {
namespace {

TEST(HandoffQueue, EveryItemArrivesOnceInOrderThroughASmallQueue) {
  HandoffQueue<std::unique_ptr<int>> q(3);
  std::thread producer([&] {
    std::vector<std::unique_ptr<int>> group;
    for (int i = 0; i < 10000; ++i) {
      group.push_back(std::make_unique<int>(i));
      if (group.size() == 5 || i == 9999) {
        ASSERT_TRUE(q.Put(&group));
        ASSERT_TRUE(group.empty());
      }
    }
    q.Close();
  });
  std::vector<std::unique_ptr<int>> taken;
  int expected = 0;
  while (q.Take(&taken)) {
    EXPECT_LE(taken.size(), 3u + 5u) << "capacity plus one group at most";
    for (const auto& p : taken) EXPECT_EQ(*p, expected++);
  }
  producer.join();
  EXPECT_EQ(expected, 10000);
  EXPECT_FALSE(q.Take(&taken)) << "a closed, empty queue stays so";
}

TEST(HandoffQueue, CancelReleasesAWaitingProducer) {
  HandoffQueue<int> q(1);
  std::vector<int> first{1};
  ASSERT_TRUE(q.Put(&first));  // the queue is full
  std::atomic<bool> refused{false};
  std::thread producer([&] {
    std::vector<int> group{2};
    refused = !q.Put(&group);  // waits for room until the consumer cancels (or sees it did)
    EXPECT_EQ(group.size(), 1u) << "a refused group stays with the producer";
  });
  q.Cancel();
  producer.join();
  EXPECT_TRUE(refused.load());
}

TEST(HandoffQueue, WaitDrainedReturnsOnceTheConsumerHasDealtWithEverything) {
  HandoffQueue<int> q(100);
  std::atomic<int> handled{0};
  std::thread consumer([&] {
    std::vector<int> batch;
    while (q.Take(&batch)) handled += static_cast<int>(batch.size());
  });
  for (int round = 1; round <= 50; ++round) {
    std::vector<int> group(7, round);
    ASSERT_TRUE(q.Put(&group));
    q.WaitDrained();
    EXPECT_EQ(handled.load(), 7 * round);
  }
  q.Close();
  consumer.join();
}

}  // namespace
}  // namespace bg
