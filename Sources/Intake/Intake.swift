/// Placeholder until the Intake target lands.
