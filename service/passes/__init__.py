"""The passes.  Each module exposes ``NAME`` and a ``find(doc, ...) -> list[Edit]`` function
(or, for passes with compiled state, a class with a ``find`` method).  They run in the order
of :data:`service.engine.pipeline.PASS_ORDER`, which is also their priority when edits overlap."""
