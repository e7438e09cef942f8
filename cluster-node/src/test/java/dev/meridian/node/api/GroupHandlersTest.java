package dev.meridian.node.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.TestBroker;
import dev.meridian.node.group.GroupCoordinator;
import dev.meridian.node.group.OffsetsTopic;
import dev.meridian.node.protocol.ApiHandler;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group handlers at every advertised version, through the wire codec both ways (request encoded
 * and parsed at the version, response encoded at the version — which throws for a field the version
 * cannot carry — and decoded as a client would), over a real coordinator and offsets topic.
 */
class GroupHandlersTest {
  private static final int NODE = 1;

  @TempDir Path dir;
  private TestBroker node;
  private GroupCoordinator groups;
  private BrokerContext broker;

  @BeforeEach
  void setUp() throws Exception {
    node =
        TestBroker.start(
            dir,
            y ->
                y.topicDefault("autoCreateTopics", false)
                    .broker("groupInitialRebalanceDelayMs", 0)
                    .broker("offsetsTopicPartitions", 4));
    broker = node.context();
    groups = broker.groups();
    node.createTopic("t", 3, Map.of());
    node.createOffsetsTopic();
  }

  @AfterEach
  void tearDown() throws Exception {
    node.close();
  }

  /**
   * Encodes, parses and handles; ticks the coordinator until it is answered; encodes and decodes
   * the response.
   */
  private <T extends ApiMessage> T call(ApiHandler handler, ApiMessage data, short version)
      throws Exception {
    ApiKeys key = handler.apiKey();
    Future<ApiMessage> f = handler.handle(WireRoundTrip.request(handler, data, version));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!f.isComplete()) {
      assertTrue(System.nanoTime() < deadline, key + " v" + version + " answered");
      groups.tick();
      Thread.onSpinWait();
    }
    ApiMessage resp = f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return WireRoundTrip.response(key, resp, version);
  }

  private static short cap(int v, ApiHandler h) {
    return (short) Math.max(h.apiKey().oldestVersion(), Math.min(v, h.maxVersion()));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void advertisedRanges() {
    assertEquals(6, new FindCoordinatorHandler(broker).maxVersion());
    assertEquals(9, new JoinGroupHandler(broker).maxVersion());
    assertEquals(5, new SyncGroupHandler(broker).maxVersion());
    assertEquals(4, new HeartbeatHandler(broker).maxVersion());
    assertEquals(5, new LeaveGroupHandler(broker).maxVersion());
    assertEquals(9, new OffsetCommitHandler(broker).maxVersion());
    assertEquals(2, ApiKeys.OFFSET_COMMIT.oldestVersion());
    assertEquals(9, new OffsetFetchHandler(broker).maxVersion());
    assertEquals(1, ApiKeys.OFFSET_FETCH.oldestVersion());
    assertEquals(5, new ListGroupsHandler(broker).maxVersion());
    assertEquals(5, new DescribeGroupsHandler(broker).maxVersion());
    assertEquals(2, new DeleteGroupsHandler(broker).maxVersion());
    assertEquals(0, new OffsetDeleteHandler(broker).maxVersion());
  }

  @Test
  void findCoordinatorAtEveryVersionBatchedFromV4() throws Exception {
    FindCoordinatorHandler h = new FindCoordinatorHandler(broker);
    for (short v = 0; v <= 6; v++) {
      FindCoordinatorRequestData req = new FindCoordinatorRequestData();
      if (v >= 4) {
        req.setCoordinatorKeys(List.of("a", "b"));
      } else {
        req.setKey("a");
      }
      FindCoordinatorResponseData resp = call(h, req, v);
      if (v >= 4) {
        assertEquals(2, resp.coordinators().size(), "v" + v);
        for (FindCoordinatorResponseData.Coordinator c : resp.coordinators()) {
          assertEquals(NODE, c.nodeId());
          assertEquals(broker.image().node(NODE).orElseThrow().kafkaPort(), c.port());
          assertEquals(Errors.NONE.code(), c.errorCode());
        }
      } else {
        assertEquals(Errors.NONE.code(), resp.errorCode(), "v" + v);
        assertEquals(NODE, resp.nodeId());
        assertEquals("127.0.0.1", resp.host());
      }
    }
    for (short v = 1; v <= 6; v++) {
      FindCoordinatorRequestData req = new FindCoordinatorRequestData().setKeyType((byte) 1);
      if (v >= 4) {
        req.setCoordinatorKeys(List.of("txn"));
      } else {
        req.setKey("txn");
      }
      FindCoordinatorResponseData resp = call(h, req, v);
      short error = v >= 4 ? resp.coordinators().get(0).errorCode() : resp.errorCode();
      assertEquals(
          Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code(), error, "transactions fail fast");
    }
  }

  /**
   * One member's life at protocol "level" {@code i}: each API at {@code min(i, its max)}, so levels
   * 0..9 cover every version of every group API.
   */
  @Test
  void aMembersLifeAtEveryVersion() throws Exception {
    JoinGroupHandler join = new JoinGroupHandler(broker);
    SyncGroupHandler sync = new SyncGroupHandler(broker);
    HeartbeatHandler heartbeat = new HeartbeatHandler(broker);
    OffsetCommitHandler commit = new OffsetCommitHandler(broker);
    OffsetFetchHandler fetch = new OffsetFetchHandler(broker);
    DescribeGroupsHandler describe = new DescribeGroupsHandler(broker);
    ListGroupsHandler list = new ListGroupsHandler(broker);
    LeaveGroupHandler leave = new LeaveGroupHandler(broker);
    DeleteGroupsHandler delete = new DeleteGroupsHandler(broker);
    for (int level = 0; level <= 9; level++) {
      String group = "g" + level;
      String why = "level " + level;

      // JoinGroup
      short vj = cap(level, join);
      JoinGroupRequestData jr =
          new JoinGroupRequestData()
              .setGroupId(group)
              .setMemberId("")
              .setSessionTimeoutMs(10_000)
              .setRebalanceTimeoutMs(20_000)
              .setProtocolType("consumer");
      jr.protocols()
          .add(
              new JoinGroupRequestData.JoinGroupRequestProtocol()
                  .setName("range")
                  .setMetadata(bytes("meta")));
      JoinGroupResponseData joined = call(join, jr, vj);
      if (vj >= 4) {
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), joined.errorCode(), why);
        jr.setMemberId(joined.memberId());
        joined = call(join, jr, vj);
      }
      assertEquals(Errors.NONE.code(), joined.errorCode(), why);
      assertEquals(1, joined.generationId(), why);
      assertEquals("range", joined.protocolName(), why);
      assertEquals(joined.memberId(), joined.leader(), why);
      assertEquals(1, joined.members().size(), why);
      assertTrue(joined.memberId().startsWith("test-client-"), why);
      assertEquals(vj >= 7 ? "consumer" : null, joined.protocolType(), why);
      String member = joined.memberId();

      // SyncGroup
      short vs = cap(level, sync);
      SyncGroupRequestData sr =
          new SyncGroupRequestData()
              .setGroupId(group)
              .setMemberId(member)
              .setGenerationId(1)
              .setProtocolType("consumer")
              .setProtocolName("range");
      sr.assignments()
          .add(
              new SyncGroupRequestData.SyncGroupRequestAssignment()
                  .setMemberId(member)
                  .setAssignment(bytes("mine")));
      SyncGroupResponseData synced = call(sync, sr, vs);
      assertEquals(Errors.NONE.code(), synced.errorCode(), why);
      assertArrayEquals(bytes("mine"), synced.assignment(), why);
      assertEquals(vs >= 5 ? "range" : null, synced.protocolName(), why);

      // Heartbeat
      HeartbeatResponseData hb =
          call(
              heartbeat,
              new HeartbeatRequestData().setGroupId(group).setMemberId(member).setGenerationId(1),
              cap(level, heartbeat));
      assertEquals(Errors.NONE.code(), hb.errorCode(), why);
      HeartbeatResponseData stale =
          call(
              heartbeat,
              new HeartbeatRequestData().setGroupId(group).setMemberId(member).setGenerationId(0),
              cap(level, heartbeat));
      assertEquals(Errors.ILLEGAL_GENERATION.code(), stale.errorCode(), why);

      // OffsetCommit
      short vc = cap(level, commit);
      OffsetCommitRequestData cr =
          new OffsetCommitRequestData()
              .setGroupId(group)
              .setMemberId(member)
              .setGenerationIdOrMemberEpoch(1);
      OffsetCommitRequestData.OffsetCommitRequestTopic ct =
          new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t");
      ct.partitions()
          .add(
              new OffsetCommitRequestData.OffsetCommitRequestPartition()
                  .setPartitionIndex(1)
                  .setCommittedOffset(40 + level)
                  .setCommittedLeaderEpoch(0)
                  .setCommittedMetadata("m" + level));
      ct.partitions()
          .add(
              new OffsetCommitRequestData.OffsetCommitRequestPartition()
                  .setPartitionIndex(7)
                  .setCommittedOffset(1));
      cr.topics().add(ct);
      cr.topics()
          .add(
              new OffsetCommitRequestData.OffsetCommitRequestTopic()
                  .setName("nope")
                  .setPartitions(
                      List.of(
                          new OffsetCommitRequestData.OffsetCommitRequestPartition()
                              .setPartitionIndex(0)
                              .setCommittedOffset(1))));
      OffsetCommitResponseData committed = call(commit, cr, vc);
      assertEquals(Errors.NONE.code(), committed.topics().get(0).partitions().get(0).errorCode());
      assertEquals(
          Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
          committed.topics().get(0).partitions().get(1).errorCode(),
          why);
      assertEquals(
          Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
          committed.topics().get(1).partitions().get(0).errorCode(),
          why);

      // OffsetFetch: named partitions and (v2+) all
      short vf = cap(level, fetch);
      int epoch = vc >= 6 ? 0 : -1;
      List<Long> offsets = fetchOffsets(fetch, group, vf, false, epoch);
      assertEquals(List.of(40L + level, -1L), offsets, why + " v" + vf);
      if (vf >= 2) {
        assertEquals(List.of(40L + level), fetchOffsets(fetch, group, vf, true, epoch), why);
      }

      // DescribeGroups, ListGroups
      short vd = cap(level, describe);
      DescribeGroupsResponseData described =
          call(
              describe,
              new DescribeGroupsRequestData()
                  .setGroups(List.of(group, "unknown"))
                  .setIncludeAuthorizedOperations(vd >= 3),
              vd);
      DescribeGroupsResponseData.DescribedGroup dg = described.groups().get(0);
      assertEquals("Stable", dg.groupState(), why);
      assertEquals("consumer", dg.protocolType());
      assertEquals("range", dg.protocolData());
      assertEquals(member, dg.members().get(0).memberId());
      assertEquals("/127.0.0.1", dg.members().get(0).clientHost());
      assertEquals("test-client", dg.members().get(0).clientId());
      assertArrayEquals(bytes("mine"), dg.members().get(0).memberAssignment());
      assertArrayEquals(bytes("meta"), dg.members().get(0).memberMetadata());
      assertEquals(vd >= 3, dg.authorizedOperations() != Integer.MIN_VALUE, why);
      assertEquals("Dead", described.groups().get(1).groupState(), why);
      short vl = cap(level, list);
      ListGroupsRequestData lr = new ListGroupsRequestData();
      if (vl >= 4) {
        lr.setStatesFilter(List.of("stable"));
      }
      ListGroupsResponseData listed = call(list, lr, vl);
      ListGroupsResponseData.ListedGroup lg =
          listed.groups().stream().filter(g -> g.groupId().equals(group)).findFirst().orElseThrow();
      assertEquals("consumer", lg.protocolType());
      assertEquals(vl >= 4 ? "Stable" : "", lg.groupState(), why);
      assertEquals(vl >= 5 ? "classic" : "", lg.groupType(), why);

      // LeaveGroup, then DeleteGroups
      short vlv = cap(level, leave);
      LeaveGroupRequestData lv = new LeaveGroupRequestData().setGroupId(group);
      if (vlv >= 3) {
        lv.members().add(new LeaveGroupRequestData.MemberIdentity().setMemberId(member));
        lv.members().add(new LeaveGroupRequestData.MemberIdentity().setMemberId("ghost"));
      } else {
        lv.setMemberId(member);
      }
      LeaveGroupResponseData left = call(leave, lv, vlv);
      assertEquals(Errors.NONE.code(), left.errorCode(), why);
      if (vlv >= 3) {
        assertEquals(Errors.NONE.code(), left.members().get(0).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), left.members().get(1).errorCode());
      }
      DeleteGroupsResponseData deleted =
          call(
              delete,
              new DeleteGroupsRequestData().setGroupsNames(List.of(group, "unknown")),
              cap(level, delete));
      assertEquals(Errors.NONE.code(), deleted.results().find(group).errorCode(), why);
      assertEquals(
          Errors.GROUP_ID_NOT_FOUND.code(), deleted.results().find("unknown").errorCode(), why);
      assertTrue(groups.group(group).isEmpty());
    }
  }

  private List<Long> fetchOffsets(
      OffsetFetchHandler h, String group, short v, boolean all, int epoch) throws Exception {
    OffsetFetchRequestData req = new OffsetFetchRequestData();
    List<Long> out = new ArrayList<>();
    if (v >= 8) {
      OffsetFetchRequestData.OffsetFetchRequestGroup g =
          new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group);
      if (all) {
        g.setTopics(null);
      } else {
        g.topics()
            .add(
                new OffsetFetchRequestData.OffsetFetchRequestTopics()
                    .setName("t")
                    .setPartitionIndexes(List.of(1, 2)));
      }
      req.groups().add(g);
      req.setRequireStable(true);
      OffsetFetchResponseData resp = call(h, req, v);
      assertEquals(group, resp.groups().get(0).groupId());
      for (var t : resp.groups().get(0).topics()) {
        for (var p : t.partitions()) {
          out.add(p.committedOffset());
          assertEquals(Errors.NONE.code(), p.errorCode());
          assertEquals(p.committedOffset() >= 0 ? epoch : -1, p.committedLeaderEpoch());
        }
      }
      return out;
    }
    req.setGroupId(group);
    if (all) {
      req.setTopics(null);
    } else {
      req.topics()
          .add(
              new OffsetFetchRequestData.OffsetFetchRequestTopic()
                  .setName("t")
                  .setPartitionIndexes(List.of(1, 2)));
    }
    if (v >= 7) {
      req.setRequireStable(true);
    }
    OffsetFetchResponseData resp = call(h, req, v);
    assertEquals(Errors.NONE.code(), resp.errorCode());
    for (var t : resp.topics()) {
      for (var p : t.partitions()) {
        out.add(p.committedOffset());
        if (p.committedOffset() >= 0) {
          assertEquals(v >= 5 ? epoch : -1, p.committedLeaderEpoch(), "epoch from v5");
          assertTrue(p.metadata().startsWith("m"));
        } else {
          assertEquals("", p.metadata());
        }
      }
    }
    return out;
  }

  @Test
  void offsetDeleteAndCommitsWithoutMembers() throws Exception {
    OffsetCommitHandler commit = new OffsetCommitHandler(broker);
    OffsetCommitRequestData cr =
        new OffsetCommitRequestData()
            .setGroupId("admin")
            .setMemberId("")
            .setGenerationIdOrMemberEpoch(-1);
    cr.topics()
        .add(
            new OffsetCommitRequestData.OffsetCommitRequestTopic()
                .setName("t")
                .setPartitions(
                    List.of(
                        new OffsetCommitRequestData.OffsetCommitRequestPartition()
                            .setPartitionIndex(0)
                            .setCommittedOffset(5),
                        new OffsetCommitRequestData.OffsetCommitRequestPartition()
                            .setPartitionIndex(1)
                            .setCommittedOffset(6)
                            .setCommittedMetadata("x".repeat(5000)))));
    OffsetCommitResponseData resp = call(commit, cr, (short) 2);
    assertEquals(Errors.NONE.code(), resp.topics().get(0).partitions().get(0).errorCode());
    assertEquals(
        Errors.OFFSET_METADATA_TOO_LARGE.code(),
        resp.topics().get(0).partitions().get(1).errorCode());
    assertEquals(5, groups.committedOffsets("admin").values().iterator().next().offset());

    OffsetDeleteRequestData dr = new OffsetDeleteRequestData().setGroupId("admin");
    OffsetDeleteRequestData.OffsetDeleteRequestTopic dt =
        new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("t");
    dt.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition());
    dr.topics().add(dt);
    OffsetDeleteRequestData.OffsetDeleteRequestTopic nope =
        new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("nope");
    nope.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition());
    dr.topics().add(nope);
    OffsetDeleteResponseData deleted = call(new OffsetDeleteHandler(broker), dr, (short) 0);
    assertEquals(Errors.NONE.code(), deleted.errorCode());
    assertEquals(Errors.NONE.code(), deleted.topics().find("t").partitions().find(0).errorCode());
    assertEquals(
        Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
        deleted.topics().find("nope").partitions().find(0).errorCode());
    assertTrue(groups.committedOffsets("admin").isEmpty());
    OffsetDeleteResponseData missing =
        call(
            new OffsetDeleteHandler(broker),
            new OffsetDeleteRequestData().setGroupId("missing"),
            (short) 0);
    assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), missing.errorCode());
  }

  @Test
  void clientsCannotProduceToTheOffsetsTopic() throws Exception {
    ProduceRequestData req = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
    ProduceRequestData.TopicProduceData td =
        new ProduceRequestData.TopicProduceData().setName(OffsetsTopic.NAME);
    td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0));
    req.topicData().add(td);
    ProduceResponseData resp = call(new ProduceHandler(broker), req, (short) 9);
    var pr = resp.responses().iterator().next().partitionResponses().get(0);
    assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), pr.errorCode());
    assertTrue(pr.errorMessage().contains("internal topic"));
    DeleteTopicsResponseData deleted =
        call(
            new DeleteTopicsHandler(broker),
            new DeleteTopicsRequestData().setTopicNames(List.of(OffsetsTopic.NAME)),
            (short) 5);
    assertEquals(
        Errors.INVALID_TOPIC_EXCEPTION.code(), deleted.responses().iterator().next().errorCode());
    assertFalse(broker.image().topic(OffsetsTopic.NAME).isEmpty());
  }
}
