"""``eligibility explore``: search a ruleset for cases that break it.

Three searches, each a ``hypothesis.find`` followed by a pass that leaves out every fact not
needed (``minimal``):

* every outcome each measure can have is reached, with the simplest case that reaches it;
* no outcome contradicts its own criteria (eligible while an exclusion applies…);
* no declared invariant (``invariants:`` in the ruleset) is broken: a case and its changed copy
  where the change produces an outcome the invariant says it never does.

Cases are drawn from what the ruleset's conditions compare against (``space``), leaning towards
the measure under search (``strategies``); invariant changes are in ``changes``. Hypothesis is an
optional dependency (``pip install 'eligibility[authoring]'``): nothing here is imported by the
engine.
"""
