package org.tandem.change;

/** Stands for the Central process being killed: an Error, which the engine does not handle. */
final class SimulatedCrash extends Error {

    SimulatedCrash(String where) {
        super("simulated crash " + where);
    }
}
