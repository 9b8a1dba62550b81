import CaseStore
