"""The HTML side of studyapp: one blueprint per area, thin over the domain modules."""
