# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 8 · Mini-batches: `TensorDataset` and `DataLoader`
#
# Gradient descent needs the gradient of the loss, and the loss is an average over the whole data
# set. Computing it over all 60,000 images for every single step would be exact, and slow. The
# training loops you will meet do something else: they take a small random **mini-batch** of
# samples, compute the gradient on those, take a step, and move on to the next batch.
# In this lesson you will:
#
# 1. compare full-batch gradient descent, single-sample SGD and mini-batches: how noisy each
#    gradient is, and how long one pass over the data takes at batch sizes 1, 32 and 256;
# 2. learn the vocabulary (sample, batch size, iteration, epoch) and count steps, which you then
#    write as a function (exercise 1);
# 3. use `TensorDataset` and `DataLoader`, the two PyTorch classes that cut data into batches, and
#    write a function that builds a correct loader (exercise 2);
# 4. train a small classifier of 2-D points with two batch sizes and compare the loss curves.
#
# **Objectives:** after this lesson you can say what samples, batches, iterations and epochs are,
# count the iterations of an epoch, and build `DataLoader`s from tensors.
#
# **Time:** about 60 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 8 课 · 小批量：`TensorDataset` 与 `DataLoader`
#
# 梯度下降需要损失函数的梯度，而损失是整个数据集上的平均值。每走一步都在全部 60,000 张图片上算一遍梯度，
# 结果固然精确，但太慢了。实际的训练循环都不这么做：每次随机取一小批样本，也就是一个**小批量**（mini-batch），
# 在这批样本上算梯度、更新一步，然后接着处理下一批。本课你将：
#
# 1. 比较全批量梯度下降、单样本 SGD 和小批量这三种做法：各自算出的梯度噪声有多大，
#    以及批量大小为 1、32、256 时，遍历一遍数据各需要多长时间；
# 2. 弄清几个基本术语（样本、批量大小、迭代、轮次），学会计算训练步数，并把它写成一个函数（练习 1）；
# 3. 使用 `TensorDataset` 和 `DataLoader` 这两个负责把数据切成批次的 PyTorch 类，
#    并写一个函数来构造正确的 loader（练习 2）；
# 4. 分别用两种批量大小训练一个给二维点分类的小模型，比较它们的损失曲线。
#
# **学习目标：**学完本课，你将能够弄清样本、批次、迭代和轮次的含义，算出一个轮次的迭代次数，并用张量构造 `DataLoader`。
#
# **用时：**约 60 分钟（阅读、运行每个单元格、完成练习）。

# %%
import math
import time

import torch
from matplotlib import pyplot as plt
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import helper
from helper.i18n import message

device = helper.device()
generator = helper.seed_everything(0)
# [en] This lesson's models are tiny: splitting such small work over several CPU threads costs
# [en] more time in coordination than it saves, so we use one thread (it changes nothing on a GPU).
# [zh] 本课的模型都非常小：把这么少的计算分给多个 CPU 线程，线程之间协调的开销比省下的时间还多，
# [zh] 所以只用一个线程（对 GPU 没有影响）。
torch.set_num_threads(1)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 0. A toy data set: points in the plane
#
# To see what batching does we need a problem small enough to train in a fraction of a second:
# 2,048 points in the plane, each with a label 0 or 1. The points of class 0 are scattered around
# $(-1, -1)$, those of class 1 around $(1, 1)$, and the two clouds overlap a little, so no straight
# line separates them perfectly.
#
# Each **sample** is one pair (point, label): `points[i]` has shape `(2,)` and `labels[i]` is a
# single integer. Stacked together, `points` has shape `(2048, 2)` and `labels` has shape `(2048,)`.

# %% [markdown] lang="zh"
# ## 0. 一个玩具数据集：平面上的点
#
# 为了看清分批到底做了什么，我们需要一个小到零点几秒就能训练完的问题：平面上的 2,048 个点，
# 每个点的标签是 0 或 1。类别 0 的点散布在 $(-1, -1)$ 周围，类别 1 的点散布在 $(1, 1)$ 周围；
# 两团点有一点重叠，所以没有哪条直线能把它们完美分开。
#
# 每个**样本**是一对（点，标签）：`points[i]` 的形状是 `(2,)`，`labels[i]` 是一个整数。
# 把它们叠在一起，`points` 的形状是 `(2048, 2)`，`labels` 的形状是 `(2048,)`。

# %%
n_points = 2048
labels = torch.randint(0, 2, (n_points,), generator=generator)
centres = torch.tensor([[-1.0, -1.0], [1.0, 1.0]])
points = centres[labels] + 0.9 * torch.randn(n_points, 2, generator=generator)
points, labels = points.to(device), labels.to(device)
print("points:", tuple(points.shape), points.dtype, "  labels:", tuple(labels.shape), labels.dtype)

plt.figure(figsize=(3.5, 3.5))
plt.scatter(points[:, 0].cpu(), points[:, 1].cpu(), c=labels.cpu(), cmap="coolwarm", s=3)
plt.gca().set_aspect("equal");

# %% [markdown] lang="en"
# ## 1. One step, three ways to compute its gradient
#
# Write $\ell_i(\theta)$ for the loss of sample $i$ under parameters $\theta$. The loss we
# minimise is the average over all $N$ samples, and so is its gradient:
#
# $$L(\theta) = \frac{1}{N}\sum_{i=1}^{N} \ell_i(\theta), \qquad
#   \nabla L(\theta) = \frac{1}{N}\sum_{i=1}^{N} \nabla \ell_i(\theta).$$
#
# * **Full-batch gradient descent** computes this sum exactly, over all $N$ samples, for every
#   step. One step costs a whole pass over the data, so an epoch gives exactly one update, and the
#   activations of all $N$ samples must be kept in memory for the backward pass.
# * **Stochastic gradient descent (SGD)**, in its original form, uses one random sample per step:
#   $\nabla \ell_i(\theta)$. A step is cheap, but the estimate is very noisy, and one sample is far
#   too little work to keep a CPU's vector units, let alone a GPU, busy.
# * **Mini-batch SGD** averages over a random batch $B$ of $b$ samples:
#   $g_B = \frac{1}{b}\sum_{i \in B} \nabla \ell_i(\theta)$. On average $g_B$ equals the full
#   gradient (it is *unbiased*), and its random error shrinks as the batch grows: an average of
#   $b$ independent terms has a standard deviation $\sqrt{b}$ times smaller than one term.
#   A batch 4 times larger halves the noise; it does not quarter it.
#
# In PyTorch, "SGD" (`torch.optim.SGD`) just means "a step against the gradient"; it does not care
# whether the gradient came from one sample, a batch or all of them. Let's measure the noise: take
# a fresh model, compute the exact gradient on all 2,048 points, then 100 gradients on random
# batches of each size, and see how far from the exact one they land on average.

# %% [markdown] lang="zh"
# ## 1. 同样走一步，梯度有三种算法
#
# 记 $\ell_i(\theta)$ 为参数取 $\theta$ 时第 $i$ 个样本的损失。我们要最小化的损失是全部 $N$ 个样本的平均值，
# 它的梯度也是平均值：
#
# $$L(\theta) = \frac{1}{N}\sum_{i=1}^{N} \ell_i(\theta), \qquad
#   \nabla L(\theta) = \frac{1}{N}\sum_{i=1}^{N} \nabla \ell_i(\theta).$$
#
# * **全批量梯度下降**每走一步都在全部 $N$ 个样本上精确地算出这个和。一步就要遍历一遍数据，
#   所以一个轮次只能更新一次；而且为了反向传播，全部 $N$ 个样本的激活值都得同时留在内存里。
# * **随机梯度下降（SGD）**最初的形式是每步只用一个随机样本：$\nabla \ell_i(\theta)$。每一步都很便宜，
#   但估计出的梯度噪声很大；而且一个样本的计算量太小，连 CPU 的向量运算单元都喂不饱，更别说 GPU 了。
# * **小批量 SGD** 在一个含 $b$ 个样本的随机批次 $B$ 上取平均：
#   $g_B = \frac{1}{b}\sum_{i \in B} \nabla \ell_i(\theta)$。$g_B$ 的期望恰好等于完整的梯度（它是**无偏**的），
#   而且批次越大，随机误差越小：$b$ 个独立项的平均值，标准差只有单项的 $1/\sqrt{b}$。
#   批量扩大到 4 倍，噪声减半，而不是降到四分之一。
#
# PyTorch 里的 “SGD”（`torch.optim.SGD`）只表示“逆着梯度走一步”，它并不关心梯度是在一个样本、一个批次还是全部数据上算出来的。
# 下面来测一测噪声：取一个新模型，先在全部 2,048 个点上算出精确梯度，再对每种批量大小各取 100 个随机批次计算梯度，
# 看它们平均离精确梯度有多远。

# %%
loss_fn = nn.CrossEntropyLoss()


def gradient(model, X, y):
    # [en] All the model's gradients for the loss on (X, y), as one flat vector.
    # [zh] 模型在 (X, y) 上的损失对所有参数的梯度，拼成一个一维向量。
    model.zero_grad()
    loss_fn(model(X), y).backward()
    return torch.cat([p.grad.flatten() for p in model.parameters()])


torch.manual_seed(0)
# [en] Two scores per point, one per class: softmax regression, 6 parameters.
# [zh] 每个点输出两个分数，每个类别一个：这是一个 softmax 回归，共 6 个参数。
model = nn.Linear(2, 2).to(device)
exact = gradient(model, points, labels)
print(helper.tr(en=f"exact gradient on all {n_points} points:", zh=f"全部 {n_points} 个点上的精确梯度："), [round(g, 3) for g in exact.tolist()])
print()
print(helper.tr(en="batch size | mean relative error of the batch gradient", zh="批量大小 | 批次梯度的平均相对误差"))
for batch_size in (1, 4, 16, 64, 256):
    errors = []
    for _ in range(100):
        batch = torch.randperm(n_points, generator=generator)[:batch_size].to(device)
        estimate = gradient(model, points[batch], labels[batch])
        errors.append(((estimate - exact).norm() / exact.norm()).item())
    print(f"{batch_size:10d} | {sum(errors) / len(errors):.3f}")

# %% [markdown] lang="en"
# From 1 to 4 to 16 to 64 to 256 the batch grows 4 times at each row, and the error falls by a
# factor of about 2 at each row, as the $1/\sqrt{b}$ rule predicts. At batch size 1 the error is
# about as large as the gradient itself: single-sample steps wander. At 256 the direction is
# within a few percent of the exact one, for an eighth of the cost of the full gradient.

# %% [markdown] lang="zh"
# 批量大小从 1 到 4、16、64、256，每一行都扩大 4 倍，误差每一行大约缩小一半，正如 $1/\sqrt{b}$ 规律所预测的。
# 批量大小为 1 时，误差和梯度本身差不多大：只用单个样本走的每一步几乎都在乱晃。批量为 256 时，
# 方向与精确梯度只差百分之几，而计算量只有完整梯度的八分之一。

# %% [markdown] lang="en"
# ### Speed: the vectorised batch
#
# Less noise is one reason to batch; speed is the other. A batch of $b$ samples goes through the
# model as one matrix product of shape `(b, 2) @ (2, 32)`, and one such call costs little more
# than a call with a single row, because most of the time of a small call is overhead: Python,
# launching the operation, the optimizer step. Let's time one pass (forward, backward and update
# for every batch) over 8,192 samples with a tiny model. Batch size 1 is timed on the first
# 512 samples and scaled up, because the full pass would take a while.

# %% [markdown] lang="zh"
# ### 速度：向量化的批次
#
# 噪声小是分批的一个理由，速度是另一个。一批 $b$ 个样本通过模型时，只是一次形状为 `(b, 2) @ (2, 32)` 的矩阵乘法；
# 这样一次调用的开销，比只算一行多不了多少，因为小规模调用的大部分时间都花在了额外开销上：Python 解释器、
# 启动一次运算、优化器更新一步。下面用一个很小的模型，测一测在 8,192 个样本上遍历一遍（每个批次都做前向、
# 反向和参数更新）需要多长时间。批量大小为 1 时完整遍历一遍太慢，所以只在前 512 个样本上计时，再按比例换算。

# %%
def one_pass(model, X, y, batch_size):
    # [en] Seconds for one pass over (X, y): forward, backward and an update for each batch.
    # [zh] 把 (X, y) 过一遍所用的秒数：每个批次都做前向传播、反向传播和一次更新。
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    start = time.perf_counter()
    for first in range(0, len(X), batch_size):
        xb, yb = X[first:first + batch_size], y[first:first + batch_size]
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if device.type != "cpu":
        # [en] GPU work (CUDA, MPS, XPU) runs asynchronously: wait for it to finish before reading the clock.
        # [zh] GPU（CUDA、MPS、XPU）上的运算是异步执行的：读时钟之前要先等它算完。
        torch.accelerator.synchronize()
    return time.perf_counter() - start


# [en] The values do not matter for timing: random inputs and labels.
# [zh] 计时与数值无关：用随机的输入和标签即可。
X_time = torch.randn(8192, 2, device=device)
y_time = torch.randint(0, 2, (8192,), device=device)
torch.manual_seed(0)
tiny = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2)).to(device)
# [en] Warm-up: the very first calls are slower, they should not count.
# [zh] 预热：最开始的几次调用比较慢，不应计入。
one_pass(tiny, X_time[:512], y_time[:512], 64)

print(helper.tr(en="batch size | steps per pass | seconds per pass | µs per sample",
               zh="批量大小 | 每遍的步数 | 每遍的秒数 | 每个样本的微秒数"))
for batch_size, measured_on in ((1, 512), (32, 8192), (256, 8192), (8192, 8192)):
    seconds = one_pass(tiny, X_time[:measured_on], y_time[:measured_on], batch_size)
    seconds *= len(X_time) / measured_on
    steps = math.ceil(len(X_time) / batch_size)
    print(f"{batch_size:10d} | {steps:14d} | {seconds:16.3f} | {1e6 * seconds / len(X_time):13.2f}")

# %% [markdown] lang="en"
# The cost of a step barely depends on the batch size here, so the time per *sample* falls almost
# in proportion to it: batch size 256 goes through the data over a hundred times faster than
# batch size 1. (Your numbers depend on the machine; on a GPU the gap is far wider.) The last row,
# the full batch, is the cheapest pass, but it makes only **one** step per pass.
#
# **Memory** is what stops the batch from growing for ever: the backward pass needs every
# activation of every sample in the batch. A convolution layer with 32 feature maps of 28 × 28 on
# a full batch of 60,000 images stores $60{,}000 \cdot 32 \cdot 28 \cdot 28 \cdot 4$ bytes
# $\approx$ 6.0 GB for that single layer, in float32. A batch of 64 needs $64/60{,}000$ of that: 6.4 MB.
#
# So the usual choice is a batch of 32 to 512: large enough to keep the hardware busy and the noise
# moderate, small enough to fit in memory and to take many steps per epoch.

# %% [markdown] lang="zh"
# 在这里，一步的耗时几乎与批量大小无关，所以分摊到**每个样本**上的时间差不多按批量大小成比例地下降：
# 批量大小为 256 时遍历数据的速度，是批量大小为 1 时的一百多倍。（具体数字取决于你的机器；在 GPU 上差距还要大得多。）
# 最后一行是全批量：遍历一遍最省时间，但每遍历一遍只能更新**一**步。
#
# 批量不能无限增大，原因在于**内存**：反向传播需要批次中每个样本的每个激活值。一个有 32 张 28 × 28 特征图的卷积层，
# 如果一次处理全部 60,000 张图片，仅这一层就要保存 $60{,}000 \cdot 32 \cdot 28 \cdot 28 \cdot 4$ 字节 $\approx$ 6.0 GB
# （float32）。批量为 64 时只需要其中的 $64/60{,}000$：6.4 MB。
#
# 所以批量大小通常取 32 到 512：足够大，能让硬件忙起来，噪声也不算大；又足够小，既放得进内存，每个轮次也能走很多步。

# %% [markdown] lang="en"
# **Think:** in the table, what is the time per step at batch size 32 and at batch size 256? If a
# step took exactly the same time whatever the batch size, which batch size would you choose, and
# what would stop you?

# %% [markdown] lang="zh"
# **想一想：** 根据上表，批量大小为 32 和 256 时，每一步各花多少时间？如果无论批量多大，一步的耗时都完全相同，
# 你会选多大的批量？又是什么会阻止你这样做？

# %% [markdown] lang="en"
# ## 2. Vocabulary: sample, batch size, iteration, epoch
#
# * A **sample** is one example: one image and its label, or one point and its class.
# * The **batch size** $b$ is the number of samples used for one gradient.
# * An **iteration** or **step** is one update of the parameters: forward on a batch, loss,
#   backward, `optimizer.step()`.
# * An **epoch** is one pass over the whole training set: every sample used once.
#
# **Worked count.** FashionMNIST has $N = 60{,}000$ training images; take $b = 64$. Then
# $60{,}000 / 64 = 937.5$: there are 937 full batches, which hold $937 \cdot 64 = 59{,}968$ images,
# and the remaining 32 images form a last, smaller batch. A `DataLoader` keeps that last batch by
# default, so an epoch is $\lceil 60{,}000 / 64 \rceil = 938$ iterations. Ten epochs are 9,380 steps.
# With `drop_last=True` an epoch is 937 steps and 32 images sit out each epoch (different ones each
# time when the data are shuffled).

# %% [markdown] lang="zh"
# ## 2. 术语：样本、批量大小、迭代、轮次
#
# * **样本**（sample）就是一个例子：一张图片和它的标签，或者一个点和它的类别。
# * **批量大小**（batch size）$b$ 是计算一次梯度所用的样本数。
# * 一次**迭代**（iteration），也叫一**步**（step），就是参数的一次更新：在一个批次上做前向传播、算损失、
#   反向传播，再调用 `optimizer.step()`。
# * 一个**轮次**（epoch）是把整个训练集完整地过一遍：每个样本都用到一次。
#
# **算一算。** FashionMNIST 有 $N = 60{,}000$ 张训练图片，取 $b = 64$。$60{,}000 / 64 = 937.5$：
# 有 937 个完整的批次，共 $937 \cdot 64 = 59{,}968$ 张图片，剩下的 32 张组成最后一个较小的批次。
# `DataLoader` 默认保留最后这个批次，所以一个轮次是 $\lceil 60{,}000 / 64 \rceil = 938$ 次迭代，十个轮次就是 9,380 步。
# 如果设置 `drop_last=True`，一个轮次只有 937 步，每个轮次都有 32 张图片轮空（打乱顺序时，每次轮空的图片都不一样）。

# %%
helper.diagrams.epoch_batches(n_samples=10, batch_size=4);

# %%
n_samples, batch_size = 60_000, 64
full_batches, last_batch = divmod(n_samples, batch_size)
print(f"{n_samples} / {batch_size} = {n_samples / batch_size}")
print(helper.tr(en=f"{full_batches} full batches ({full_batches * batch_size} samples) + a last batch of {last_batch}",
               zh=f"{full_batches} 个完整批次（{full_batches * batch_size} 个样本）+ 最后一批 {last_batch} 个"))
print(helper.tr(en="iterations per epoch:", zh="每个轮次的迭代次数："), math.ceil(n_samples / batch_size))

# [en] A DataLoader agrees: len(loader) is the number of batches in one epoch.
# [zh] DataLoader 的结果一致：len(loader) 就是一个轮次中的批次数。
fake_images = TensorDataset(torch.zeros(n_samples, 1))
print("len(DataLoader(..., batch_size=64))                 =", len(DataLoader(fake_images, batch_size=64)))
print("len(DataLoader(..., batch_size=64, drop_last=True)) =",
      len(DataLoader(fake_images, batch_size=64, drop_last=True)))

# %% [markdown] lang="en"
# ### Exercise 1 (1 point): `num_iterations`
#
# Complete `num_iterations(n_samples, batch_size, epochs)`: the total number of optimizer steps of
# a training run over `n_samples` samples in batches of `batch_size` for `epochs` epochs, when the
# last partial batch of each epoch is kept (as above).
#
# * Return a Python `int` (`938`, not `938.0`): `n / b` is always a float in Python 3.
# * Count in integers: a float holds whole numbers exactly only up to $2^{53}$ (about $9 \cdot 10^{15}$), and the
#   autograder also counts data sets larger than that, where `math.ceil(n / b)` is off.
# * Every epoch starts afresh: its last batch may be partial, whatever happened in the epoch before.
# * Think of the edge cases: a batch larger than the whole data set, a batch size of 1, zero epochs.

# %% [markdown] lang="zh"
# ### 练习 1（1 分）：`num_iterations`
#
# 补全 `num_iterations(n_samples, batch_size, epochs)`：在 `n_samples` 个样本上，以每批 `batch_size` 个样本训练
# `epochs` 个轮次，并且（像上面那样）保留每个轮次最后那个不满的批次，求优化器一共要走多少步。
#
# * 返回 Python 的 `int`（`938`，而不是 `938.0`）：在 Python 3 中，`n / b` 的结果总是浮点数。
# * 用整数运算来数：浮点数只能精确表示不超过 $2^{53}$（约 $9 \cdot 10^{15}$）的整数，而自动评分也会数比这更大的数据集，
#   在那里 `math.ceil(n / b)` 会算错。
# * 每个轮次都从头开始：不管上一个轮次怎样，它最后一个批次都可能不满。
# * 想想边界情况：批量比整个数据集还大、批量大小为 1、轮次为 0。

# %% solution="num_iterations"
def num_iterations(n_samples, batch_size, epochs):
    """Optimizer steps for `epochs` passes over `n_samples` samples, last partial batch kept."""
    ### BEGIN SOLUTION
    steps_per_epoch = (n_samples + batch_size - 1) // batch_size  # ⌈n / b⌉ in integers: exact for any size
    return steps_per_epoch * epochs
    ### END SOLUTION


# %% tests="test_num_iterations" points=1
from autograder import check

check("num_iterations", num_iterations)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("num_iterations", num_iterations)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 3. `TensorDataset`: samples as pairs
#
# PyTorch separates two jobs. A **dataset** answers two questions: how many samples are there
# (`len(dataset)`), and what is sample `i` (`dataset[i]`). A **data loader** decides which samples
# go into which batch and in what order, and stacks them into batch tensors.
#
# When the whole data set already sits in tensors, `TensorDataset(X, y)` is the dataset: sample
# `i` is the tuple `(X[i], y[i])`. It keeps each input with its label, which is exactly what we
# want when we shuffle. (A torchvision data set such as `datasets.MNIST` from lesson 1 answers the
# same two questions, only it reads and converts an image for each `dataset[i]`.)

# %% [markdown] lang="zh"
# ## 3. `TensorDataset`：成对的样本
#
# PyTorch 把工作分成两部分。**数据集**（dataset）回答两个问题：一共有多少个样本（`len(dataset)`），
# 第 `i` 个样本是什么（`dataset[i]`）。**数据加载器**（data loader）决定哪些样本放进哪个批次、按什么顺序，
# 并把它们叠成批次张量。
#
# 如果整个数据集已经放在张量里，`TensorDataset(X, y)` 就是现成的数据集：第 `i` 个样本就是元组 `(X[i], y[i])`。
# 它让每个输入始终和自己的标签绑在一起，这正是打乱顺序时需要的。（第 1 课中的 `datasets.MNIST` 这类 torchvision
# 数据集回答的是同样两个问题，只不过每次取 `dataset[i]` 时，它都要读出一张图片再做转换。）

# %%
# [en] Ten samples with two features each; sample i is easy to recognise: X[i] = [2i, 2i + 1], y[i] = 10 i.
# [zh] 十个样本，每个有两个特征；第 i 个样本一眼就能认出来：X[i] = [2i, 2i + 1]，y[i] = 10 i。
X_small = torch.arange(20.0).reshape(10, 2)
y_small = torch.arange(10) * 10
dataset = TensorDataset(X_small, y_small)

print("len(dataset) =", len(dataset))
print("dataset[3]   =", dataset[3])
# [en] A sample is a tuple: unpack it.
# [zh] 一个样本就是一个元组：可以直接拆包。
x3, y3 = dataset[3]
print("x3 =", x3, " y3 =", y3)

# %% [markdown] lang="en"
# ## 4. `DataLoader`: batches, shuffling, the last batch
#
# `DataLoader(dataset, batch_size=4)` goes through the indices 0, 1, ..., 9, fetches four samples
# at a time and stacks them: four `(X[i], y[i])` tuples become one pair `(xb, yb)` with `xb` of
# shape `(4, 2)` and `yb` of shape `(4,)`. Ten samples make batches of 4 + 4 + 2, so
# `len(loader)` is 3. A `for` loop over the loader is one epoch.

# %% [markdown] lang="zh"
# ## 4. `DataLoader`：批次、打乱顺序、最后一个批次
#
# `DataLoader(dataset, batch_size=4)` 依次遍历下标 0, 1, ..., 9，每次取出四个样本并把它们叠起来：
# 四个 `(X[i], y[i])` 元组变成一对 `(xb, yb)`，其中 `xb` 的形状是 `(4, 2)`，`yb` 的形状是 `(4,)`。
# 十个样本分成 4 + 4 + 2 三批，所以 `len(loader)` 是 3。用 `for` 循环遍历一遍 loader，就是一个轮次。

# %%
loader = DataLoader(dataset, batch_size=4)
print("len(loader) =", len(loader))
for xb, yb in loader:
    print(tuple(xb.shape), "labels", yb.tolist())

# %% [markdown] lang="en"
# **Shuffling.** With `shuffle=True` the loader draws a new random order of the indices at the
# start of **every** epoch, so batches differ from epoch to epoch and the model never sees the
# samples in a fixed sequence (which could, for instance, be all class 0 first and then all class 1).
# Pass a seeded `torch.Generator` to make the order repeatable; without one, the loader draws from
# PyTorch's global random generator, which `torch.manual_seed` seeds.
#
# **The last batch.** `drop_last=True` throws away a last batch that is not full. Useful when every
# batch must have the same size (some layers, such as batch normalisation, dislike a batch of 1);
# otherwise keep it, so that every sample is used in every epoch.

# %% [markdown] lang="zh"
# **打乱顺序。** 设置 `shuffle=True` 后，loader 会在**每个**轮次开始时重新随机排列下标，所以每个轮次的批次都不一样，
# 模型也就不会总按固定顺序看到样本（比如先全是类别 0、再全是类别 1）。传入一个设好种子的 `torch.Generator`，
# 顺序就可以复现；不传的话，loader 使用 PyTorch 的全局随机数生成器，它的种子由 `torch.manual_seed` 设置。
#
# **最后一个批次。** `drop_last=True` 会丢掉最后那个不满的批次。当每个批次的大小必须相同时它很有用
# （有些层，例如批量归一化，不喜欢只有 1 个样本的批次）；其他情况下应该保留它，让每个样本在每个轮次中都被用到。

# %%
shuffled = DataLoader(dataset, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(0))
for epoch in range(1, 3):
    print(helper.tr(en=f"epoch {epoch}:", zh=f"第 {epoch} 轮："), [yb.tolist() for xb, yb in shuffled])

dropping = DataLoader(dataset, batch_size=4, drop_last=True)
print("drop_last=True:", helper.tr(en=f"{len(dropping)} batches", zh=f"{len(dropping)} 个批次"), [yb.tolist() for xb, yb in dropping])

# %% [markdown] lang="en"
# To look at a single batch, without a loop, ask the loader for an iterator and take its first
# element: `next(iter(loader))`. Each `iter(...)` starts a new epoch, so with shuffling every call
# gives a different first batch. (Old tutorials call a `next` method on the iterator itself; the
# loader's iterators no longer have one: use the built-in function `next`.)

# %% [markdown] lang="zh"
# 如果只想看一个批次而不写循环，可以向 loader 要一个迭代器，再取它的第一个元素：`next(iter(loader))`。
# 每次调用 `iter(...)` 都会开始一个新的轮次，所以在打乱顺序时，每次调用得到的第一个批次都不一样。
# （旧教程会直接调用迭代器自己的 `next` 方法，而现在的 DataLoader 迭代器已经没有这个方法了，请使用内置函数 `next`。）

# %%
xb, yb = next(iter(shuffled))
print(helper.tr(en="first batch:", zh="第一个批次："), yb.tolist(), helper.tr(en="| again:", zh="| 再取一次："), next(iter(shuffled))[1].tolist())
print(xb)

# %% [markdown] lang="en"
# ### Exercise 2 (2 points): `make_loader`
#
# Complete `make_loader(X, y, batch_size, shuffle)`. `X` holds one sample per row (any shape
# `(N, ...)`) and `y` the matching labels or targets (`(N,)` or `(N, 1)`). Return a
# `torch.utils.data.DataLoader` such that `for xb, yb in loader:`
#
# * gives batches of `batch_size` samples, and keeps the last partial batch;
# * keeps each `xb[i]` with its own label `yb[i]`;
# * goes through the samples in their stored order when `shuffle` is false, and in a new random
#   order every epoch when `shuffle` is true;
# * hands out the data unchanged (same dtype, same device).
#
# Return the `DataLoader` itself, not a list of its batches: the training loop below goes over it
# once per epoch.

# %% [markdown] lang="zh"
# ### 练习 2（2 分）：`make_loader`
#
# 补全 `make_loader(X, y, batch_size, shuffle)`。`X` 的每一行是一个样本（形状可以是任意的 `(N, ...)`），
# `y` 是对应的标签或目标值（形状为 `(N,)` 或 `(N, 1)`）。返回一个 `torch.utils.data.DataLoader`，
# 使得 `for xb, yb in loader:`
#
# * 每次给出 `batch_size` 个样本组成的批次，并保留最后那个不满的批次；
# * 每个 `xb[i]` 都和它自己的标签 `yb[i]` 对应；
# * `shuffle` 为假时按样本存放的顺序遍历；为真时每个轮次都按新的随机顺序遍历；
# * 原样交出数据（数据类型和设备都不变）。
#
# 请返回 `DataLoader` 本身，而不是它的批次组成的列表：下面的训练循环每个轮次都要遍历它一遍。

# %% solution="make_loader"
def make_loader(X, y, batch_size, shuffle):
    """A DataLoader over the pairs (X[i], y[i]) in batches of `batch_size`."""
    ### BEGIN SOLUTION
    dataset = TensorDataset(X, y)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)
    ### END SOLUTION


# %% tests="test_make_loader" points=2
from autograder import check

check("make_loader", make_loader)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("make_loader", make_loader)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 5. Training with two batch sizes
#
# Now the toy classifier: `nn.Linear(2, 2)` gives two scores per point, `nn.CrossEntropyLoss`
# turns them into a loss, and plain SGD with learning rate 0.1 updates the 6 parameters. The
# training loop is the one you know, with your loader: one step per batch, and after each epoch we
# record the loss on all 2,048 points (epoch 0 is the loss before training). We train the same
# model from the same starting weights twice, for 6 epochs each: once with batches of 16
# (128 steps per epoch) and once with batches of 512 (4 steps per epoch).

# %% [markdown] lang="zh"
# ## 5. 用两种批量大小训练
#
# 现在来训练这个玩具分类器：`nn.Linear(2, 2)` 为每个点输出两个分数，`nn.CrossEntropyLoss` 把它们变成损失，
# 学习率为 0.1 的普通 SGD 负责更新这 6 个参数。训练循环还是你熟悉的那个，只是换上了你写的 loader：
# 每个批次走一步，每个轮次结束后记录一次全部 2,048 个点上的损失（第 0 个轮次是训练前的损失）。
# 我们用同样的初始权重把同一个模型训练两遍，每遍 6 个轮次：一遍每批 16 个样本（每个轮次 128 步），
# 另一遍每批 512 个样本（每个轮次 4 步）。

# %%
def full_loss(model):
    # [en] The loss on all the points, without recording a graph.
    # [zh] 全部点上的损失，不记录计算图。
    with torch.no_grad():
        return loss_fn(model(points), labels).item()


def train(batch_size, epochs=6, lr=0.1):
    # [en] Train a fresh nn.Linear(2, 2) on the points; return the loss after each epoch and the seconds.
    # [zh] 在这些点上训练一个新的 nn.Linear(2, 2)；返回每个轮次之后的损失和所用秒数。
    # [en] The same starting weights and the same shuffling for every batch size.
    # [zh] 每种批量大小都用同样的初始权重和同样的打乱顺序。
    torch.manual_seed(0)
    model = nn.Linear(2, 2).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loader = make_loader(points, labels, batch_size, shuffle=True)
    losses = [full_loss(model)]
    start = time.perf_counter()
    for epoch in range(epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(full_loss(model))
    return losses, time.perf_counter() - start


epochs = 6
results = {batch_size: train(batch_size, epochs) for batch_size in (16, 512)}
for batch_size, (losses, seconds) in results.items():
    steps = num_iterations(n_points, batch_size, epochs)
    print(f"batch_size={batch_size:3d}:", helper.tr(en=f"{steps:3d} steps in {seconds:.2f} s, loss per epoch",
                                                   zh=f"{steps:3d} 步，用时 {seconds:.2f} s，每个轮次的损失"),
          [round(v, 3) for v in losses])

# [en] Axis labels in the notebook's language (Chinese needs a CJK font).
# [zh] 坐标轴标签使用本笔记本的语言（中文需要 CJK 字体）。
helper.enable_cjk()
plt.figure(figsize=(5, 3.5))
for batch_size, (losses, seconds) in results.items():
    plt.plot(range(epochs + 1), losses, marker="o", label=f"batch_size={batch_size}")
plt.xlabel(message("epoch"))
plt.ylabel(message("loss"))
plt.legend();

# %% [markdown] lang="en"
# **Per epoch**, the small batches win by far: 128 steps per epoch against 4, so after the first
# epoch they have all but converged, while the large batches creep downwards. Each of those 4 steps
# follows a much better gradient, but at the same learning rate a better direction does not make up
# for 32 times fewer steps. **Per second** the picture is less one-sided, because each small step
# is cheap but not free: compare the steps and the seconds printed above.
#
# That is the trade-off of this lesson in one picture: small batches make many cheap, noisy steps;
# large batches make few, precise, well-vectorised ones. Large batches are usually paired with a
# larger learning rate (a common rule of thumb scales it with the batch size), which needs care.

# %% [markdown] lang="zh"
# **按轮次看**，小批量遥遥领先：每个轮次 128 步对 4 步，第一个轮次结束时它几乎已经收敛，而大批量的损失还在慢慢往下挪。
# 大批量的这 4 步，每一步的梯度都准得多；但在学习率相同时，方向再准也弥补不了步数少了 32 倍。
# **按时间看**，情况就没有这么一边倒了，因为小批量的每一步虽然便宜，却并非不花时间：对比一下上面打印出的步数和秒数。
#
# 这张图就是本课所讲的权衡：小批量走许多步，每步便宜但噪声大；大批量走的步数少，每步精确，而且能充分利用向量化。
# 用大批量时通常会配合更大的学习率（一个常见的经验法则是让学习率随批量大小成比例增加），但这需要小心调节。

# %% [markdown] lang="en"
# **Think:** run `train(512, lr=...)` with a larger learning rate. How large can it get before the
# loss stops falling smoothly? How many epochs does batch size 512 then need to reach the loss that
# batch size 16 had after one epoch?

# %% [markdown] lang="zh"
# **想一想：** 用更大的学习率运行 `train(512, lr=...)`。学习率增大到多少时，损失就不再平稳下降了？
# 此时批量大小为 512 需要多少个轮次，才能达到批量大小为 16 在一个轮次后的损失？

# %% [markdown] lang="en"
# ## Summary
#
# * A step can use one sample, a mini-batch or the whole data set; a mini-batch gives a useful
#   estimate of the gradient at a fraction of the cost, and a vectorised batch is much faster per
#   sample than a loop.
# * An epoch is one pass over all the samples; it takes $\lceil n / b \rceil$ iterations for batch
#   size $b$, the last batch possibly smaller.
# * `TensorDataset` pairs inputs with labels; `DataLoader` cuts them into batches, reshuffles every
#   epoch with `shuffle=True` (seed it with a `generator`), and drops a short last batch with
#   `drop_last=True`.
# * Smaller batches take more, noisier steps per epoch; larger ones fewer, smoother steps.

# %% [markdown] lang="zh"
# ## 小结
#
# * 一步更新可以用一个样本、一个小批量或者整个数据集；小批量只花一小部分代价，就能给出有用的梯度估计，而向量化地处理一个批次，每个样本的开销比逐个循环小得多。
# * 一个轮次就是把所有样本过一遍；批量大小为 $b$ 时需要 $\lceil n / b \rceil$ 次迭代，最后一个批次可能不满。
# * `TensorDataset` 把输入和标签配成对；`DataLoader` 把它们切成批次，`shuffle=True` 时每个轮次重新打乱（用 `generator` 设定种子），`drop_last=True` 时丢掉不满的最后一批。
# * 批量越小，每个轮次的步数越多、每一步越嘈杂；批量越大，步数越少、每一步越平稳。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. $\lceil 1000 / 300 \rceil = 4$ steps, the last with 100 samples. With `drop_last=True`: 3 steps
#    of 300, and the 100 samples that come last in that epoch's order are skipped; with shuffling it
#    is a different 100 every epoch, so none is lost for good (without shuffling, always the same
#    100).
# 2. Shuffled only once, every epoch would see the same batches in the same order, and whatever that
#    order does to the model would repeat. For a data set sorted by class without shuffling, each
#    batch would hold one class: the model would be pulled towards one class after another and
#    forget the previous ones. Reshuffling gives fresh, mixed batches every epoch.
# 3. The batch losses of an epoch are measured by a different model for each batch (the weights
#    before that batch's step), most of them older than the final one; their average describes the
#    epoch, not the model at its end. The evaluation measures the final model on all points; while
#    the loss is falling, the average of the batch losses is larger.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. $\lceil 1000 / 300 \rceil = 4$ 步，最后一批 100 个样本。`drop_last=True` 时：3 步，每步 300 个，本轮次顺序中排在最后的 100 个样本被跳过；打乱顺序时，每个轮次跳过的是不同的 100 个，所以没有哪个样本被永久丢掉（不打乱时则总是同样的 100 个）。
# 2. 如果只在开始时打乱一次，每个轮次都会以同样的顺序看到同样的批次，这个顺序对模型的影响会一轮又一轮地重复。如果数据集按类别排好序又不打乱，每个批次里就只有一个类别：模型会被一个类别接一个类别地拉来拉去，学了后面的就忘了前面的。每个轮次重新打乱，才能得到新鲜、混合均匀的批次。
# 3. 一个轮次中各批次的损失，是由不同的模型测出的（每个批次用的是它那一步更新之前的权重），其中大多数都比最终的模型旧；它们的平均值描述的是这个轮次，而不是轮次结束时的模型。评估则是用最终的模型在所有点上测量；损失还在下降时，批次损失的平均值会更大。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. A data set of 1,000 samples, batch size 300. How many steps are in an epoch, and how large is
#    the last batch? What changes with `drop_last=True`, and which samples miss out?
# 2. Why must the order be shuffled every epoch, and not once at the start? Think of a data set
#    stored sorted by class.
# 3. Why do we evaluate on all points with `torch.no_grad()` and not average the batch losses of
#    the epoch? What would the average of the batch losses measure instead?
#
# **Next:** a complete project on FashionMNIST: in-memory tensors, a `DataLoader`, a
# multi-layer perceptron and then a small convolutional network, trained and evaluated end to end.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 一个有 1,000 个样本的数据集，批量大小为 300。一个轮次有多少步？最后一个批次有多大？
#    设置 `drop_last=True` 后有什么变化？哪些样本会被漏掉？
# 2. 为什么要在每个轮次都重新打乱顺序，而不是只在开始时打乱一次？想想按类别排好序存放的数据集。
# 3. 为什么我们要在 `torch.no_grad()` 下用全部点来评估，而不是把这个轮次中各批次的损失取平均？
#    各批次损失的平均值衡量的又是什么？
#
# **下一课：** 一个完整的 FashionMNIST 项目：把数据放进内存张量、使用 `DataLoader`、先训练一个多层感知机，
# 再训练一个小型卷积网络，从头到尾完成训练和评估。
