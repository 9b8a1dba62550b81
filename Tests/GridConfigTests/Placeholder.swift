import GridConfig
