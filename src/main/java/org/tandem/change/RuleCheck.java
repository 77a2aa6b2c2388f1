package org.tandem.change;

/**
 * One of Tandem's own rules checked on a whole plan before any server is asked (overlapping ranges,
 * peers that mirror each other, equal Kea subnet ids, names that cannot inject syntax).
 */
@FunctionalInterface
public interface RuleCheck {

    /** Throws a UserError naming the server, field and problem when the plan breaks the rule. */
    void check(ChangePlan plan);
}
