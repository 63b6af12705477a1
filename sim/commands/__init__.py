"""What swsim's simulating commands do: check every input, simulate, write a result set whole."""
