/**
 * Consumer groups: the classic group coordinator and the committed offsets.
 *
 * <ul>
 *   <li>{@link dev.meridian.node.group.GroupCoordinator} owns the groups of the node, serves the
 *       group APIs' handlers and implements {@link dev.meridian.node.group.GroupQuery}, the
 *       read-only view of the control plane.
 *   <li>{@code ClassicGroup} is one group's rebalance state machine ({@link
 *       dev.meridian.node.group.GroupState}), time passed in; {@code GroupMembers} and {@code
 *       MemberMetadata} its members.
 *   <li>{@link dev.meridian.node.group.OffsetsTopic} is the internal compacted topic {@code
 *       __consumer_offsets} that holds offsets and group metadata ({@link
 *       dev.meridian.node.group.GroupRecordCodec} has the record format); {@link
 *       dev.meridian.node.group.GroupLog} is what the coordinator needs of it.
 * </ul>
 */
package dev.meridian.node.group;
