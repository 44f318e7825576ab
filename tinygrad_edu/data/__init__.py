"""Data for training: datasets, a seeded mini-batch loader, the packaged 8×8 digits, MNIST's IDX format,
and the lecture's mean normalisation and augmentation transforms."""
from .collate import default_collate, default_convert
from .dataset import (ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset,
                      random_split)
from .digits import load_digits
from .idx import IdxFormatError, load_mnist, read_idx, write_idx
from .loader import DataLoader
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)
from .datasets import CIFAR10, MNIST, FashionMNIST, ToTensor  # real data sets, downloaded (issue 15)
from .transforms import Compose, RandomFlip, RandomShift, mean_normalize, random_flip, random_shift, shift

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "ConcatDataset", "StackDataset", "IterableDataset",
           "default_collate", "default_convert",
           "DataLoader", "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler", "load_digits", "load_mnist", "read_idx", "write_idx",
           "IdxFormatError", "mean_normalize", "random_shift", "random_flip", "shift", "Compose", "RandomShift",
           "RandomFlip", "MNIST", "FashionMNIST", "CIFAR10", "ToTensor"]
