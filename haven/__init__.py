"""Haven: a counter-trafficking platform for South-East Asia."""
