/// Placeholder until the GridConfig target lands.
