package dev.meridian.node.api;

import dev.meridian.node.group.CommittedOffset;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch 1–9 (by topic name): the committed offsets of the requested partitions (-1 and empty
 * metadata where there is none), or of every partition the group committed (topics null, v2+). v8+
 * batches several groups. {@code requireStable} (v7+) never has to wait: without transactions no
 * commit is pending once it is answered. v9 names the member of a consumer-protocol group and its
 * epoch: an unknown member is UNKNOWN_MEMBER_ID, an old epoch STALE_MEMBER_EPOCH (the client
 * fetches again after its next heartbeat).
 */
public final class OffsetFetchHandler implements ApiHandler {
  private static final long NO_OFFSET = -1;

  private final BrokerContext broker;

  public OffsetFetchHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.OFFSET_FETCH;
  }

  @Override
  public short maxVersion() {
    return 9;
  }

  /** One requested topic: its name and partitions. */
  private record Wanted(String topic, List<Integer> partitions) {}

  /** One answered partition. */
  private record Answer(int partition, CommittedOffset offset) {}

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    OffsetFetchRequestData req = request.data();
    OffsetFetchResponseData resp = new OffsetFetchResponseData();
    if (request.version() >= 8) {
      for (OffsetFetchRequestData.OffsetFetchRequestGroup g : req.groups()) {
        List<Wanted> wanted = null;
        if (g.topics() != null) {
          wanted = new ArrayList<>();
          for (OffsetFetchRequestData.OffsetFetchRequestTopics t : g.topics()) {
            wanted.add(new Wanted(t.name(), t.partitionIndexes()));
          }
        }
        OffsetFetchResponseData.OffsetFetchResponseGroup rg =
            new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(g.groupId());
        Errors groupError = broker.groups().coordinatorError(g.groupId());
        if (groupError == Errors.NONE && request.version() >= 9) {
          groupError =
              broker.groups().validateOffsetFetch(g.groupId(), g.memberId(), g.memberEpoch());
        }
        if (groupError != Errors.NONE) {
          resp.groups().add(rg.setErrorCode(groupError.code()));
          continue;
        }
        fetch(g.groupId(), wanted)
            .forEach(
                (topic, answers) -> {
                  OffsetFetchResponseData.OffsetFetchResponseTopics rt =
                      new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(topic);
                  for (Answer a : answers) {
                    rt.partitions()
                        .add(
                            new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                                .setPartitionIndex(a.partition())
                                .setCommittedOffset(offset(a))
                                .setCommittedLeaderEpoch(epoch(a))
                                .setMetadata(metadata(a))
                                .setErrorCode(Errors.NONE.code()));
                  }
                  rg.topics().add(rt);
                });
        resp.groups().add(rg);
      }
      return Future.succeededFuture(resp);
    }
    Errors groupError = broker.groups().coordinatorError(req.groupId());
    if (groupError != Errors.NONE) {
      if (request.version() >= 2) {
        return Future.succeededFuture(resp.setErrorCode(groupError.code()));
      }
      // v1 has no group-level error: every asked partition carries it
      for (OffsetFetchRequestData.OffsetFetchRequestTopic t : req.topics()) {
        OffsetFetchResponseData.OffsetFetchResponseTopic rt =
            new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(t.name());
        for (int p : t.partitionIndexes()) {
          rt.partitions()
              .add(
                  new OffsetFetchResponseData.OffsetFetchResponsePartition()
                      .setPartitionIndex(p)
                      .setCommittedOffset(NO_OFFSET)
                      .setMetadata("")
                      .setErrorCode(groupError.code()));
        }
        resp.topics().add(rt);
      }
      return Future.succeededFuture(resp);
    }
    List<Wanted> wanted = null;
    if (req.topics() != null) {
      wanted = new ArrayList<>();
      for (OffsetFetchRequestData.OffsetFetchRequestTopic t : req.topics()) {
        wanted.add(new Wanted(t.name(), t.partitionIndexes()));
      }
    }
    fetch(req.groupId(), wanted)
        .forEach(
            (topic, answers) -> {
              OffsetFetchResponseData.OffsetFetchResponseTopic rt =
                  new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(topic);
              for (Answer a : answers) {
                rt.partitions()
                    .add(
                        new OffsetFetchResponseData.OffsetFetchResponsePartition()
                            .setPartitionIndex(a.partition())
                            .setCommittedOffset(offset(a))
                            .setCommittedLeaderEpoch(epoch(a))
                            .setMetadata(metadata(a))
                            .setErrorCode(Errors.NONE.code()));
              }
              resp.topics().add(rt);
            });
    return Future.succeededFuture(resp);
  }

  /** Topic → answers, in request order for named topics, sorted for "all". */
  private Map<String, List<Answer>> fetch(String groupId, List<Wanted> wanted) {
    Map<TopicPartitionRef, CommittedOffset> committed = broker.groups().committedOffsets(groupId);
    Map<String, List<Answer>> out = new java.util.LinkedHashMap<>();
    if (wanted == null) {
      Map<String, List<Answer>> sorted = new TreeMap<>();
      committed.forEach(
          (tp, o) ->
              sorted
                  .computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                  .add(new Answer(tp.partition(), o)));
      sorted.values().forEach(l -> l.sort(java.util.Comparator.comparingInt(Answer::partition)));
      return sorted;
    }
    for (Wanted w : wanted) {
      List<Answer> answers = out.computeIfAbsent(w.topic(), t -> new ArrayList<>());
      for (int p : w.partitions()) {
        answers.add(new Answer(p, committed.get(new TopicPartitionRef(w.topic(), p))));
      }
    }
    return out;
  }

  private static long offset(Answer a) {
    return a.offset() == null ? NO_OFFSET : a.offset().offset();
  }

  private static int epoch(Answer a) {
    return a.offset() == null ? -1 : a.offset().leaderEpoch();
  }

  private static String metadata(Answer a) {
    return a.offset() == null || a.offset().metadata() == null ? "" : a.offset().metadata();
  }
}
