package org.tandem.kea;

/**
 * What happens to the secondary's subnets when a relationship is removed (Micetro's RemoveDHCPFailoverRelationships
 * deconfigure action): left serving, kept but without pools, or deleted.
 */
public enum Deconfigure { NONE, DISABLE, DELETE }
