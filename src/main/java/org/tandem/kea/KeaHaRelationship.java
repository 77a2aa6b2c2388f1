package org.tandem.kea;

import org.tandem.kea.config.KeaHaConfig;

/** A HA relationship found on import: two registered servers whose HA blocks name each other and agree. */
public record KeaHaRelationship(String primaryServer, String secondaryServer, KeaHaConfig.Mode mode, KeaHaConfig primaryBlock) {}
