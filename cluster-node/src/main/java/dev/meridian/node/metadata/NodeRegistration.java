package dev.meridian.node.metadata;

/**
 * A node of the region as the metadata image knows it: its endpoints (from the region config), the
 * incarnation of the process that registered it, and whether it is fenced.
 *
 * <p>A node is <em>alive</em> when it is registered and not fenced. The controller fences a node
 * when it leaves the region's membership, and registers it again (unfenced, with the new
 * incarnation) when a process for it joins. A node only acts on the image (leads partitions,
 * coordinates groups) while the image holds its own incarnation unfenced: a restarted process
 * therefore never acts on leadership granted to its predecessor.
 *
 * @param id the node id
 * @param host the advertised host of its listeners
 * @param kafkaPort its Kafka listener port
 * @param httpPort its control-plane port
 * @param rack its rack, or {@code null}
 * @param incarnation a number unique to one start of the node's process
 * @param fenced whether the node is out of the region (not alive)
 * @param shuttingDown whether this incarnation asked to stop (controlled shutdown): it stays fenced
 *     until a new process of the node registers
 */
public record NodeRegistration(
    int id,
    String host,
    int kafkaPort,
    int httpPort,
    String rack,
    long incarnation,
    boolean fenced,
    boolean shuttingDown) {

  /** A registration that did not ask to stop. */
  public NodeRegistration(
      int id,
      String host,
      int kafkaPort,
      int httpPort,
      String rack,
      long incarnation,
      boolean fenced) {
    this(id, host, kafkaPort, httpPort, rack, incarnation, fenced, false);
  }

  /** Whether the node is registered and not fenced. */
  public boolean alive() {
    return !fenced;
  }

  /** The same registration, fenced. */
  public NodeRegistration fence() {
    return new NodeRegistration(
        id, host, kafkaPort, httpPort, rack, incarnation, true, shuttingDown);
  }

  /** The same registration, fenced because its process is shutting down. */
  public NodeRegistration shutDown() {
    return new NodeRegistration(id, host, kafkaPort, httpPort, rack, incarnation, true, true);
  }
}
