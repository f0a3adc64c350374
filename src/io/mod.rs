//! Reading samples from `.npy` and `.csv` files (feature `io`).
