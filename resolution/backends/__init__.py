"""Where the engine runs: one interface (records and a model in, an entity per row out),
two backends.

* in process — :func:`aim.resolution.engine.link` (numpy/scipy in one Python process;
  the default, up to a few million records on one machine);
* Spark — :func:`aim.resolution.backends.spark.link_files` (the same functions of the
  engine run inside Spark jobs on partitions of the records: any number of records, on
  any Spark cluster). Needs the ``spark`` extra (``pip install 'aim[spark]'``).

Both give the same entities for the same records and model: the Spark backend calls the
engine's standardisation, blocking keys, comparisons, weights and guard, and only
decides how the work is spread. See docs/scale.md.
"""
