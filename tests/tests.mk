.PHONY: check check-unit
