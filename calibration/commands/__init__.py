"""What swsim's calibration commands do: check every input, simulate, write a result set whole."""
